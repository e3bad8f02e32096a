#ifndef PIPELINE_MODEL_FORMAT_BYTES_H_
#define PIPELINE_MODEL_FORMAT_BYTES_H_

#include <cstdint>
#include <string>

namespace pipeline {

/// A size for people, the inverse of ParseByteSize where it can be: a limit as it was written
/// ("4 GiB", "64 MiB"), a small size in bytes ("1000 bytes"), and a measured one to a tenth of a
/// MiB ("11.8 MiB"). The one formatter for limits, caps and measured memory alike.
std::string FormatBytes(int64_t bytes);

}  // namespace pipeline

#endif  // PIPELINE_MODEL_FORMAT_BYTES_H_
