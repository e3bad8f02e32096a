// What repeats a run (runs rerun): the `run` arguments, kept beside the run's row as a JSON array.
#include <sstream>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "store/store_impl.h"

namespace pipeline::store {

using namespace Poco::Data::Keywords;  // NOLINT: now, into, useRef

void RunStore::SetRerunArgs(const std::string& id, const std::vector<std::string>& args) {
  Poco::JSON::Array array;
  for (const std::string& arg : args) array.add(arg);
  std::ostringstream text;
  array.stringify(text);
  std::string json = text.str();
  std::lock_guard<std::mutex> lock(impl_->mutex);
  try {
    impl_->session << "UPDATE runs SET rerun_args = $1 WHERE id = $2", useRef(json), useRef(id),
        now;
  } catch (const Poco::Exception& error) {
    throw StoreError("history store: cannot record how to rerun a run: " + error.displayText());
  }
}

std::vector<std::string> RunStore::RerunArgs(const std::string& id) {
  std::string json;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    try {
      Poco::Data::Statement select(impl_->session);
      select << "SELECT rerun_args FROM runs WHERE id = $1", useRef(id), now;
      Poco::Data::RecordSet rows(select);
      if (rows.rowCount() > 0 && !rows.value(0, 0).isEmpty()) {
        json = rows.value(0, 0).convert<std::string>();
      }
    } catch (const Poco::Exception& error) {
      throw StoreError("history store: cannot read how to rerun a run: " + error.displayText());
    }
  }
  std::vector<std::string> args;
  if (json.empty()) return args;
  try {
    Poco::JSON::Array::Ptr array =
        Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
    for (size_t i = 0; i < array->size(); ++i) args.push_back(array->getElement<std::string>(i));
  } catch (const Poco::Exception& error) {
    throw StoreError("history store: run " + id +
                     "'s rerun arguments are not a JSON array: " + error.displayText());
  }
  return args;
}

}  // namespace pipeline::store
