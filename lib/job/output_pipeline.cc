#include "job/output_pipeline.h"

#include <exception>

#include "job/secret_masker.h"
#include "model/format_bytes.h"

namespace pipeline::exec {

OutputPipeline::OutputPipeline(JobResult& result, RunObserver& observer, size_t store_cap,
                               size_t print_cap, const SecretMasker* masker)
    : result_(result),
      observer_(observer),
      store_cap_(store_cap),
      print_cap_(print_cap),
      masker_(masker),
      stdout_([this](std::string_view line) { Line(docker::StreamKind::kStdout, line); }),
      stderr_([this](std::string_view line) { Line(docker::StreamKind::kStderr, line); }) {}

void OutputPipeline::Chunk(docker::StreamKind stream, std::string_view data) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (result_.output_truncated && printed_all_) return;  // nothing more is kept or shown
  }
  (stream == docker::StreamKind::kStderr ? stderr_ : stdout_).Feed(data);
}

void OutputPipeline::Flush() {
  stdout_.Flush();
  stderr_.Flush();
}

void OutputPipeline::Line(docker::StreamKind stream, std::string_view raw) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (printed_all_ && result_.output_truncated) return;
  // Whole lines are masked, so a secret split across frames or reads is whole again here.
  bool mask = masker_ != nullptr && !masker_->empty();
  std::string masked = mask ? masker_->Mask(raw) : std::string();
  std::string_view line = mask ? std::string_view(masked) : raw;
  if (!printed_all_) {
    if (printed_ + line.size() + 1 > print_cap_) {
      printed_all_ = true;
      observer_.OnJobOutput(result_, docker::StreamKind::kStderr,
                            "[docker-pipeline: output truncated: this job printed more than " +
                                FormatBytes(static_cast<int64_t>(print_cap_)) +
                                "; the rest is not shown]");
    } else {
      printed_ += line.size() + 1;
      observer_.OnJobOutput(result_, stream, line);
    }
  }
  if (result_.output_truncated) return;
  if (result_.output.size() + line.size() + 1 > store_cap_) {
    result_.output_truncated = true;
    return;
  }
  result_.output.append(line);
  result_.output.push_back('\n');
}

OutputPump::OutputPump(docker::OutputStream& stream, OutputPipeline& output, spdlog::logger& log,
                       std::string job_name)
    : thread_([&stream, &output, &log, job_name = std::move(job_name)] {
        try {
          stream.Pump([&output](docker::StreamKind kind, std::string_view data) {
            output.Chunk(kind, data);
          });
        } catch (const std::exception& error) {
          log.warn("job '{}': output stream ended early: {}", job_name, error.what());
        }
      }) {}

OutputPump::~OutputPump() { Join(); }

void OutputPump::Join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace pipeline::exec
