#ifndef PIPELINE_JOB_OUTPUT_PIPELINE_H_
#define PIPELINE_JOB_OUTPUT_PIPELINE_H_

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <spdlog/logger.h>

#include "job/line_splitter.h"
#include "pipeline/docker.h"
#include "pipeline/run_result.h"

namespace pipeline::exec {

class SecretMasker;

/// A job's output on its way out: chunks are split into lines, each line is masked, then sent
/// to the observer and copied into the result, each up to its cap. Past a cap the rest is
/// dropped, not kept, so a job printing gigabytes costs no memory.
class OutputPipeline {
 public:
  /// `masker` may be null (nothing to hide).
  OutputPipeline(JobResult& result, RunObserver& observer, size_t store_cap, size_t print_cap,
                 const SecretMasker* masker);

  /// A payload chunk of one stream, not necessarily a whole line.
  void Chunk(docker::StreamKind stream, std::string_view data);
  /// One whole line; safe to call from another thread (a pipe's) while Chunk runs.
  void Line(docker::StreamKind stream, std::string_view raw);
  /// Sends a last unterminated line of each stream.
  void Flush();

 private:
  JobResult& result_;
  RunObserver& observer_;
  size_t store_cap_;
  size_t print_cap_;
  const SecretMasker* masker_;
  size_t printed_ = 0;
  bool printed_all_ = false;  ///< the print cap was reached
  LineSplitter stdout_;
  LineSplitter stderr_;
  std::mutex mutex_;
};

/// Reads a container's attach stream into an OutputPipeline on a thread of its own, from
/// construction until the container closes its streams.
class OutputPump {
 public:
  OutputPump(docker::OutputStream& stream, OutputPipeline& output, spdlog::logger& log,
             std::string job_name);
  /// Join().
  ~OutputPump();
  OutputPump(const OutputPump&) = delete;
  OutputPump& operator=(const OutputPump&) = delete;
  /// Waits until the stream has ended.
  void Join();

 private:
  std::thread thread_;
};

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_OUTPUT_PIPELINE_H_
