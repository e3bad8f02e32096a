#ifndef PIPELINE_STORE_ROW_READER_H_
#define PIPELINE_STORE_ROW_READER_H_

#include <cstddef>
#include <vector>

#include <Poco/Data/RecordSet.h>

namespace pipeline::store {

/// Column `column` of row `row`; Var converts between the integer widths the two databases use.
template <typename T>
T Get(const Poco::Data::RecordSet& rows, size_t column, size_t row) {
  Poco::Dynamic::Var value = rows.value(column, row);
  if (value.isEmpty()) return T();
  return value.convert<T>();
}

/// Reads columns `first`, `first` + 1, ... of row `row` into `fields` of `record`, in that order,
/// each as its member's type: the column list of a SELECT is then written once, as member names.
template <typename Record, typename... Types>
void ReadColumns(const Poco::Data::RecordSet& rows, size_t row, size_t first, Record& record,
                 Types Record::*... fields) {
  size_t column = first;
  ((record.*fields = Get<Types>(rows, column++, row)), ...);
}

/// Every row of `rows` as a Record, each read by `read(rows, row, record)`.
template <typename Record, typename Read>
std::vector<Record> RecordsOf(const Poco::Data::RecordSet& rows, Read read) {
  std::vector<Record> records(rows.rowCount());
  for (size_t i = 0; i < records.size(); ++i) read(rows, i, records[i]);
  return records;
}

}  // namespace pipeline::store

#endif  // PIPELINE_STORE_ROW_READER_H_
