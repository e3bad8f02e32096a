#ifndef PIPELINE_MODEL_FORMAT_BYTES_H_
#define PIPELINE_MODEL_FORMAT_BYTES_H_

#include <cstdint>
#include <string>

namespace pipeline {

/// A size as it would be written in a pipeline file (the inverse of ParseByteSize where it can
/// be): a limit or a cap in whole units ("4 GiB", "64 MiB"), else in bytes ("1000 bytes").
std::string FormatBytes(int64_t bytes);

/// A measured size to a tenth of a MiB ("11.8 MiB", "64.0 MiB"), so a column of them aligns.
std::string FormatMeasuredBytes(int64_t bytes);

}  // namespace pipeline

#endif  // PIPELINE_MODEL_FORMAT_BYTES_H_
