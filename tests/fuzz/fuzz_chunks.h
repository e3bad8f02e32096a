// Fuzz-chosen chunking of a byte stream, shared by the targets that feed streams: the daemon may
// cut its output anywhere, so the split points are part of the input.
#ifndef PIPELINE_TESTS_FUZZ_FUZZ_CHUNKS_H_
#define PIPELINE_TESTS_FUZZ_FUZZ_CHUNKS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace pipeline::fuzz {

/// Reads a split pattern from the front of the input and cuts the rest with it. Byte 0 gives the
/// number of chunk sizes that follow (0-15); the sizes are used in turn, over and over, and a size
/// of 0 feeds an empty chunk. With no sizes (or only zeros) the rest is one chunk. So a seed
/// "\x00" + stream feeds the stream whole.
inline std::vector<std::string_view> SplitByPattern(const uint8_t* data, size_t size) {
  std::vector<std::string_view> chunks;
  if (size == 0) return chunks;
  size_t count = std::min<size_t>(data[0] & 15, size - 1);
  const uint8_t* sizes = data + 1;
  std::string_view rest(reinterpret_cast<const char*>(data + 1 + count), size - 1 - count);
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) total += sizes[i];
  for (size_t i = 0; total > 0 && !rest.empty(); i = (i + 1) % count) {
    size_t take = std::min<size_t>(sizes[i], rest.size());
    chunks.push_back(rest.substr(0, take));
    rest.remove_prefix(take);
  }
  if (!rest.empty() || chunks.empty()) chunks.push_back(rest);
  return chunks;
}

}  // namespace pipeline::fuzz

#endif  // PIPELINE_TESTS_FUZZ_FUZZ_CHUNKS_H_
