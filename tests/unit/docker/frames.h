#ifndef PIPELINE_TESTS_UNIT_DOCKER_FRAMES_H_
#define PIPELINE_TESTS_UNIT_DOCKER_FRAMES_H_

#include <cstdint>
#include <string>

namespace pipeline::docker {

/// One frame of the daemon's multiplexed output: stream byte, three zero bytes, big-endian length,
/// then the payload.
inline std::string Frame(int stream, const std::string& payload) {
  std::string frame(8, '\0');
  frame[0] = static_cast<char>(stream);
  uint32_t size = static_cast<uint32_t>(payload.size());
  frame[4] = static_cast<char>((size >> 24) & 0xff);
  frame[5] = static_cast<char>((size >> 16) & 0xff);
  frame[6] = static_cast<char>((size >> 8) & 0xff);
  frame[7] = static_cast<char>(size & 0xff);
  return frame + payload;
}

}  // namespace pipeline::docker

#endif  // PIPELINE_TESTS_UNIT_DOCKER_FRAMES_H_
