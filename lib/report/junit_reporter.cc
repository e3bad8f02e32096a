#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "pipeline/report.h"
#include "report/atomic_file.h"
#include "report/json_text.h"
#include "report/xml_text.h"

namespace pipeline {
namespace {

using report::XmlEscape;

constexpr size_t kFailureTailLines = 40;
constexpr size_t kSystemOutCap = 256 * 1024;

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", seconds);
  return text;
}

/// The last `lines` lines of `text`.
std::string Tail(const std::string& text, size_t lines) {
  size_t position = text.size();
  if (position > 0 && text[position - 1] == '\n') --position;
  for (size_t seen = 0; position > 0; --position) {
    if (text[position - 1] == '\n' && ++seen == lines) break;
  }
  return text.substr(position);
}

std::string RenderCase(const JobResult& job, const std::string& classname) {
  std::string xml = "    <testcase classname=\"" + XmlEscape(classname) + "\" name=\"" +
                    XmlEscape(job.name) + "\" time=\"" + Seconds(job.seconds()) + "\">\n";
  bool never_ran = job.outcome == JobOutcome::kSkipped ||
                   (job.outcome == JobOutcome::kCancelled && job.started == Clock::time_point{});
  if (never_ran) {
    xml += "      <skipped message=\"" + XmlEscape(job.reason) + "\"/>\n";
  } else if (job.Fails() || job.outcome == JobOutcome::kCancelled) {
    std::string type = job.oom_killed ? "out of memory" : ToString(job.outcome);
    std::string message = job.reason.empty() ? type : job.reason;
    xml += "      <failure message=\"" + XmlEscape(message) + "\" type=\"" + XmlEscape(type) +
           "\">" + XmlEscape("exit code " + std::to_string(job.exit_code) + "\n" +
                             Tail(job.output, kFailureTailLines)) +
           "</failure>\n";
  } else if (job.allowed_failure) {
    xml += "      <properties><property name=\"allowed_failure\" value=\"" +
           XmlEscape(job.reason) + "\"/></properties>\n";
  }
  if (!job.output.empty()) {
    std::string out = job.output.size() > kSystemOutCap
                          ? "[... " + std::to_string(job.output.size() - kSystemOutCap) +
                                " bytes cut ...]\n" + job.output.substr(job.output.size() - kSystemOutCap)
                          : job.output;
    if (job.output_truncated) out += "[output truncated]\n";
    xml += "      <system-out>" + XmlEscape(out) + "</system-out>\n";
  }
  return xml + "    </testcase>\n";
}

class JUnitReporter : public RunObserver {
 public:
  explicit JUnitReporter(std::string path) : path_(std::move(path)) {}
  void OnRunFinished(const RunResult& run) override {
    report::WriteFileAtomically(path_, RenderJUnit(run));
  }

 private:
  std::string path_;
};

}  // namespace

std::string RenderJUnit(const RunResult& run) {
  // Stages in the order their first job appears in the plan.
  std::vector<std::string> stages;
  std::map<std::string, std::vector<const JobResult*>> by_stage;
  for (const JobResult& job : run.jobs) {
    if (by_stage.count(job.stage) == 0) stages.push_back(job.stage);
    by_stage[job.stage].push_back(&job);
  }
  size_t total = 0;
  size_t total_failures = 0;
  size_t total_skipped = 0;
  double total_time = std::chrono::duration<double>(run.finished - run.started).count();
  std::string suites;
  for (const std::string& stage : stages) {
    size_t failures = 0;
    size_t skipped = 0;
    double time = 0;
    std::string cases;
    for (const JobResult* job : by_stage[stage]) {
      std::string rendered = RenderCase(*job, run.pipeline_file + "." + stage);
      if (rendered.find("<skipped") != std::string::npos) ++skipped;
      if (rendered.find("<failure") != std::string::npos) ++failures;
      time += job->seconds();
      cases += rendered;
    }
    total += by_stage[stage].size();
    total_failures += failures;
    total_skipped += skipped;
    suites += "  <testsuite name=\"" + XmlEscape(stage) + "\" tests=\"" +
              std::to_string(by_stage[stage].size()) + "\" failures=\"" +
              std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) +
              "\" time=\"" + Seconds(time) + "\" timestamp=\"" +
              report::IsoTime(run.started).substr(0, 19) + "\">\n" + cases + "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" +
         XmlEscape(run.pipeline_file) + "\" tests=\"" + std::to_string(total) +
         "\" failures=\"" + std::to_string(total_failures) + "\" errors=\"0\" skipped=\"" +
         std::to_string(total_skipped) + "\" time=\"" + Seconds(total_time) + "\">\n" + suites +
         "</testsuites>\n";
}

std::shared_ptr<RunObserver> MakeJUnitReporter(const std::string& path) {
  return std::make_shared<JUnitReporter>(path);
}

}  // namespace pipeline
