#ifndef PIPELINE_DOCKER_FRAME_DEMUXER_H_
#define PIPELINE_DOCKER_FRAME_DEMUXER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// Splits the daemon's multiplexed output (no TTY) into stdout and stderr. Each frame is an
/// 8-byte header (byte 0: 1 stdout, 2 stderr; bytes 4-7: big-endian payload length) and the
/// payload. Bytes may arrive in any chunking; payload bytes are handed on as soon as they arrive,
/// so a line is never held back waiting for the rest of its frame.
class FrameDemuxer {
 public:
  /// kWholeFrames: each frame's payload is handed on once, whole (a service log's frames are
  /// counted, and the daemon's own notes recognised, frame by frame).
  enum class Delivery { kAsItArrives, kWholeFrames };

  explicit FrameDemuxer(OutputHandler handler, Delivery delivery = Delivery::kAsItArrives)
      : handler_(std::move(handler)), delivery_(delivery) {}

  void Feed(const char* data, size_t size);

  /// True when the input ended inside a frame (the stream was cut).
  bool mid_frame() const { return header_filled_ != 0 || payload_left_ != 0; }

 private:
  OutputHandler handler_;
  Delivery delivery_;
  std::string frame_;  ///< kWholeFrames: the payload so far
  std::array<unsigned char, 8> header_{};
  size_t header_filled_ = 0;
  uint32_t payload_left_ = 0;
  StreamKind stream_ = StreamKind::kStdout;
};

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_FRAME_DEMUXER_H_
