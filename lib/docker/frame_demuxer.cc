#include "docker/frame_demuxer.h"

#include <algorithm>
#include <string_view>

namespace pipeline::docker {

void FrameDemuxer::Feed(const char* data, size_t size) {
  while (size > 0) {
    if (payload_left_ == 0) {
      size_t take = std::min(size, header_.size() - header_filled_);
      std::copy(data, data + take, header_.begin() + static_cast<long>(header_filled_));
      header_filled_ += take;
      data += take;
      size -= take;
      if (header_filled_ < header_.size()) return;
      header_filled_ = 0;
      // Stream 0 (stdin echo) and unknown ids are shown as stdout rather than dropped.
      stream_ = header_[0] == 2 ? StreamKind::kStderr : StreamKind::kStdout;
      payload_left_ = (uint32_t{header_[4]} << 24) | (uint32_t{header_[5]} << 16) |
                      (uint32_t{header_[6]} << 8) | uint32_t{header_[7]};
      if (payload_left_ == 0 && delivery_ == Delivery::kWholeFrames) handler_(stream_, "");
      continue;
    }
    size_t take = std::min<size_t>(size, payload_left_);
    payload_left_ -= static_cast<uint32_t>(take);
    if (delivery_ == Delivery::kAsItArrives) {
      handler_(stream_, std::string_view(data, take));
    } else {
      frame_.append(data, take);
      if (payload_left_ == 0) {
        handler_(stream_, frame_);
        frame_.clear();
      }
    }
    data += take;
    size -= take;
  }
}

}  // namespace pipeline::docker
