#include "service/metrics.h"

#include <cstdio>

namespace pipeline::service {
namespace {

std::string Number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::string Header(const std::string& name, const char* type, const char* help) {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

const char* kPrefix = "docker_pipeline_";

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  ++counts_[bucket];
  sum_ += value;
  ++count_;
}

std::string Histogram::Render(const std::string& name) const {
  std::string text;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    text +=
        name + "_bucket{le=\"" + Number(bounds_[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  text += name + "_bucket{le=\"+Inf\"} " + std::to_string(count_) + "\n";
  text += name + "_sum " + Number(sum_) + "\n";
  text += name + "_count " + std::to_string(count_) + "\n";
  return text;
}

Metrics::Metrics()
    : run_seconds_({1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600}),
      job_seconds_({0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600}) {}

void Metrics::RunStarted() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++runs_started_;
}

void Metrics::RunFinished(const std::string& status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++runs_finished_[status];
  if (seconds >= 0) run_seconds_.Observe(seconds);
}

void Metrics::JobStarted() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++running_jobs_;
}

void Metrics::JobFinished(double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (running_jobs_ > 0) --running_jobs_;
  job_seconds_.Observe(seconds < 0 ? 0 : seconds);
}

void Metrics::LogBytes(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  log_bytes_ += bytes;
}

std::string Metrics::LabelValue(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Metrics::JobUsed(const std::string& repo, const std::string& job, const JobUsage& usage) {
  std::lock_guard<std::mutex> lock(mutex_);
  UsageCounters& counters = usage_[{repo, job}];
  counters.cpu_seconds += usage.cpu_seconds;
  counters.rx_bytes += usage.net_rx_bytes;
  counters.tx_bytes += usage.net_tx_bytes;
  counters.read_bytes += usage.block_read_bytes;
  counters.written_bytes += usage.block_write_bytes;
}

void Metrics::Request(int status_code) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[status_code];
}

std::string Metrics::RenderUsage() const {
  std::string p = kPrefix;
  std::string cpu = Header(p + "job_cpu_seconds_total", "counter",
                           "CPU time jobs used, by repository and job (docs/usage.md).");
  std::string net = Header(p + "job_network_bytes_total", "counter",
                           "Bytes jobs received (rx) and sent (tx), by repository and job.");
  std::string disk = Header(p + "job_block_io_bytes_total", "counter",
                            "Bytes jobs read and wrote on block devices, by repository and job.");
  for (const auto& [key, counters] : usage_) {
    std::string labels =
        "repo=\"" + LabelValue(key.first) + "\",job=\"" + LabelValue(key.second) + "\"";
    cpu += p + "job_cpu_seconds_total{" + labels + "} " + Number(counters.cpu_seconds) + "\n";
    net += p + "job_network_bytes_total{" + labels + ",direction=\"rx\"} " +
           std::to_string(counters.rx_bytes) + "\n";
    net += p + "job_network_bytes_total{" + labels + ",direction=\"tx\"} " +
           std::to_string(counters.tx_bytes) + "\n";
    disk += p + "job_block_io_bytes_total{" + labels + ",direction=\"read\"} " +
            std::to_string(counters.read_bytes) + "\n";
    disk += p + "job_block_io_bytes_total{" + labels + ",direction=\"write\"} " +
            std::to_string(counters.written_bytes) + "\n";
  }
  return cpu + net + disk;
}

std::string Metrics::Render(const QueueGauges& queue) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string p = kPrefix;
  std::string text;
  text += Header(p + "runs_started_total", "counter", "Runs that started (retries included).");
  text += p + "runs_started_total " + std::to_string(runs_started_) + "\n";
  text += Header(p + "runs_finished_total", "counter", "Runs that ended, by status.");
  // Every status is there from the start, so a rate() sees the first one happen.
  for (const char* status : {"success", "failed", "cancelled", "aborted"}) {
    auto found = runs_finished_.find(status);
    text += p + "runs_finished_total{status=\"" + status + "\"} " +
            std::to_string(found == runs_finished_.end() ? 0 : found->second) + "\n";
  }
  text += Header(p + "run_duration_seconds", "histogram", "How long runs took, start to end.");
  text += run_seconds_.Render(p + "run_duration_seconds");
  text += Header(p + "job_duration_seconds", "histogram", "How long jobs took, start to end.");
  text += job_seconds_.Render(p + "job_duration_seconds");
  text += Header(p + "queue_depth", "gauge", "Runs waiting to start, by priority.");
  text += p + "queue_depth{priority=\"high\"} " + std::to_string(queue.high) + "\n";
  text += p + "queue_depth{priority=\"normal\"} " + std::to_string(queue.normal) + "\n";
  text += p + "queue_depth{priority=\"low\"} " + std::to_string(queue.low) + "\n";
  text += Header(p + "running_runs", "gauge", "Runs running now.");
  text += p + "running_runs " + std::to_string(queue.running_runs) + "\n";
  text += Header(p + "running_jobs", "gauge", "Jobs running now.");
  text += p + "running_jobs " + std::to_string(running_jobs_) + "\n";
  text += Header(p + "log_bytes_total", "counter", "Bytes of job output recorded.");
  text += p + "log_bytes_total " + std::to_string(log_bytes_) + "\n";
  text += RenderUsage();
  text += Header(p + "http_requests_total", "counter", "HTTP requests answered, by status code.");
  for (const auto& [code, count] : requests_) {
    text += p + "http_requests_total{code=\"" + std::to_string(code) + "\"} " +
            std::to_string(count) + "\n";
  }
  return text;
}

}  // namespace pipeline::service
