// The attach-stream demultiplexer fed arbitrary bytes cut at fuzz-chosen points
// (fuzz_chunks.h). Besides not crashing, the result must not depend on the chunking: the payload
// bytes per stream, and whether the stream ended mid-frame, equal those of one whole Feed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "docker/frame_demuxer.h"
#include "fuzz_chunks.h"

namespace {

struct Demuxed {
  std::string out;
  std::string err;
  bool mid_frame = false;
};

template <typename Chunks>
Demuxed Demux(const Chunks& chunks) {
  Demuxed result;
  pipeline::docker::FrameDemuxer demuxer(
      [&result](pipeline::docker::StreamKind stream, std::string_view payload) {
        (stream == pipeline::docker::StreamKind::kStderr ? result.err : result.out).append(payload);
      });
  for (std::string_view chunk : chunks) demuxer.Feed(chunk.data(), chunk.size());
  result.mid_frame = demuxer.mid_frame();
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto chunks = pipeline::fuzz::SplitByPattern(data, size);
  std::string whole;
  for (std::string_view chunk : chunks) whole.append(chunk);
  Demuxed split = Demux(chunks);
  Demuxed once = Demux(std::vector<std::string_view>{whole});
  if (split.out != once.out || split.err != once.err || split.mid_frame != once.mid_frame) {
    std::abort();
  }
  if (split.out.size() + split.err.size() > whole.size()) std::abort();
  return 0;
}
