#ifndef PIPELINE_STORAGE_COUNTING_STREAM_H_
#define PIPELINE_STORAGE_COUNTING_STREAM_H_

#include <cstdint>
#include <istream>
#include <streambuf>

namespace pipeline::exec {

/// Reads `source` through and counts the bytes: what a cache copy moved (JobUsage::CacheUse).
class CountingStream : private std::streambuf {
 public:
  explicit CountingStream(std::istream& source) : source_(source), stream_(this) {}
  CountingStream(const CountingStream&) = delete;
  CountingStream& operator=(const CountingStream&) = delete;

  std::istream& stream() { return stream_; }
  /// The bytes read from `source` so far.
  int64_t bytes() const { return bytes_; }

 private:
  int_type underflow() override;

  std::istream& source_;
  std::istream stream_;
  char buffer_[64 * 1024];
  int64_t bytes_ = 0;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_STORAGE_COUNTING_STREAM_H_
