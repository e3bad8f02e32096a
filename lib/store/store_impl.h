#ifndef PIPELINE_STORE_STORE_IMPL_H_
#define PIPELINE_STORE_STORE_IMPL_H_

#include <mutex>
#include <string>

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include "pipeline/errors.h"
#include "pipeline/store.h"

namespace pipeline::store {

enum class Dialect { kSqlite, kPostgres };

/// The one connection a RunStore owns; every call takes `mutex`.
class RunStore::Impl {
 public:
  Impl(Dialect dialect, Poco::Data::Session session)
      : dialect(dialect), session(std::move(session)) {}
  Dialect dialect;
  Poco::Data::Session session;
  std::mutex mutex;
  int version = 0;
};

/// Runs `body` in one transaction (rolled back when it throws).
template <typename Body>
void InTransaction(Poco::Data::Session& session, Body&& body) {
  session.begin();
  try {
    body();
  } catch (...) {
    try {
      session.rollback();
    } catch (...) {
      // The original failure is the one worth reporting.
    }
    throw;
  }
  session.commit();
}

/// Poco's exceptions become StoreError at the module's edge: "history store: what: why".
template <typename Body>
auto Guarded(const char* what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error&) {
    throw;
  } catch (const Poco::Exception& error) {
    throw StoreError(std::string("history store: ") + what + ": " + error.displayText());
  }
}

}  // namespace pipeline::store

#endif  // PIPELINE_STORE_STORE_IMPL_H_
