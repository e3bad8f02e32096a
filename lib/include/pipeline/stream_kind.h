#ifndef PIPELINE_STREAM_KIND_H_
#define PIPELINE_STREAM_KIND_H_

namespace pipeline {

/// Which of a job's output streams a chunk or a line came from. The values are the Docker
/// attach protocol's stream numbers (docker::StreamKind is the same type).
enum class StreamKind { kStdout = 1, kStderr = 2 };

}  // namespace pipeline

#endif  // PIPELINE_STREAM_KIND_H_
