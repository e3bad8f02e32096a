#include "service/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pipeline::service {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Histogram histogram({1, 5});
  histogram.Observe(0.5);
  histogram.Observe(3);
  histogram.Observe(9);
  std::string text = histogram.Render("x_seconds");
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{le=\"1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{le=\"5\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_bucket{le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_sum 12.5\n"));
  EXPECT_THAT(text, HasSubstr("x_seconds_count 3\n"));
}

TEST(MetricsTest, RendersEveryFamilyWithHelpAndType) {
  Metrics metrics;
  metrics.RunStarted();
  metrics.JobStarted();
  metrics.LogBytes(42);
  metrics.JobFinished(2);
  metrics.RunFinished("failed", 3);
  metrics.Request(201);
  QueueGauges queue;
  queue.high = 1;
  queue.running_runs = 2;
  std::string text = metrics.Render(queue);
  EXPECT_THAT(text, HasSubstr("# TYPE docker_pipeline_runs_started_total counter\n"
                              "docker_pipeline_runs_started_total 1\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_runs_finished_total{status=\"failed\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_runs_finished_total{status=\"success\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE docker_pipeline_run_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_job_duration_seconds_count 1\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_queue_depth{priority=\"high\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_running_runs 2\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_running_jobs 0\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_log_bytes_total 42\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_http_requests_total{code=\"201\"} 1\n"));
}

TEST(MetricsTest, JobUsageCountsByRepositoryAndJobWithEscapedLabels) {
  Metrics metrics;
  JobUsage usage;
  usage.cpu_seconds = 1.5;
  usage.net_rx_bytes = 100;
  usage.net_tx_bytes = 7;
  usage.block_write_bytes = 4096;
  metrics.JobUsed("app", "test: [a, \"b\"]", usage);
  metrics.JobUsed("app", "test: [a, \"b\"]", usage);
  std::string text = metrics.Render({});
  EXPECT_THAT(text, HasSubstr("# TYPE docker_pipeline_job_cpu_seconds_total counter\n"));
  const std::string labels = "repo=\"app\",job=\"test: [a, \\\"b\\\"]\"";
  EXPECT_THAT(text, HasSubstr("docker_pipeline_job_cpu_seconds_total{" + labels + "} 3\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_job_network_bytes_total{" + labels +
                              ",direction=\"rx\"} 200\n"));
  EXPECT_THAT(text, HasSubstr("docker_pipeline_job_block_io_bytes_total{" + labels +
                              ",direction=\"write\"} 8192\n"));
  EXPECT_EQ(Metrics::LabelValue("a\\b\nc"), "a\\\\b\\nc");
}

}  // namespace
}  // namespace pipeline::service
