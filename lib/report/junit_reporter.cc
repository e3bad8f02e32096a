#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pipeline/errors.h"
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
           "\">" +
           XmlEscape("exit code " + std::to_string(job.exit_code) + "\n" +
                     Tail(job.output, kFailureTailLines)) +
           "</failure>\n";
  } else if (job.allowed_failure) {
    xml += "      <properties><property name=\"allowed_failure\" value=\"" + XmlEscape(job.reason) +
           "\"/></properties>\n";
  }
  if (!job.output.empty()) {
    std::string out = job.output.size() > kSystemOutCap
                          ? "[... " + std::to_string(job.output.size() - kSystemOutCap) +
                                " bytes cut ...]\n" +
                                job.output.substr(job.output.size() - kSystemOutCap)
                          : job.output;
    if (job.output_truncated) out += "[output truncated]\n";
    xml += "      <system-out>" + XmlEscape(out) + "</system-out>\n";
  }
  return xml + "    </testcase>\n";
}

/// The stages in the order their first job appears in the plan, with their jobs.
std::vector<std::pair<std::string, std::vector<const JobResult*>>> GroupByStage(
    const RunResult& run) {
  std::vector<std::pair<std::string, std::vector<const JobResult*>>> stages;
  for (const JobResult& job : run.jobs) {
    auto it = std::find_if(stages.begin(), stages.end(),
                           [&](const auto& stage) { return stage.first == job.stage; });
    if (it == stages.end()) {
      stages.emplace_back(job.stage, std::vector<const JobResult*>{});
      it = stages.end() - 1;
    }
    it->second.push_back(&job);
  }
  return stages;
}

struct SuiteCounts {
  size_t tests = 0;
  size_t failures = 0;
  size_t skipped = 0;
};

/// One <testsuite> element, indented by `indent`; adds its counts to `totals`.
std::string RenderSuite(const RunResult& run, const std::string& stage,
                        const std::vector<const JobResult*>& jobs, const std::string& indent,
                        SuiteCounts& totals) {
  SuiteCounts counts;
  double time = 0;
  std::string cases;
  for (const JobResult* job : jobs) {
    std::string rendered = RenderCase(*job, stage);
    if (rendered.find("<skipped") != std::string::npos) ++counts.skipped;
    if (rendered.find("<failure") != std::string::npos) ++counts.failures;
    time += job->seconds();
    cases += rendered;
  }
  counts.tests = jobs.size();
  totals.tests += counts.tests;
  totals.failures += counts.failures;
  totals.skipped += counts.skipped;
  return indent + "<testsuite name=\"" + XmlEscape(stage) + "\" tests=\"" +
         std::to_string(counts.tests) + "\" failures=\"" + std::to_string(counts.failures) +
         "\" errors=\"0\" skipped=\"" + std::to_string(counts.skipped) + "\" time=\"" +
         Seconds(time) + "\" timestamp=\"" + report::IsoTime(run.started).substr(0, 19) +
         "\" hostname=\"localhost\">\n" + cases + indent + "</testsuite>\n";
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

/// Ant and Maven Surefire's layout: one TEST-<suite>.xml with a <testsuite> root per stage.
class JUnitDirectoryReporter : public RunObserver {
 public:
  explicit JUnitDirectoryReporter(std::string dir) : dir_(std::move(dir)) {}
  void OnRunFinished(const RunResult& run) override {
    if (mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
      throw EnvironmentError("cannot create " + dir_ + ": " + std::strerror(errno));
    }
    std::set<std::string> taken;
    for (const auto& [stage, jobs] : GroupByStage(run)) {
      SuiteCounts ignored;
      std::string safe;
      for (char c : stage) safe.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
      // "unit-test" and "unit_test" would share a file name; the later one gets a number.
      std::string name = safe;
      for (int n = 2; !taken.insert(name).second; ++n) name = safe + "-" + std::to_string(n);
      report::WriteFileAtomically(dir_ + "/TEST-" + name + ".xml",
                                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
                                      RenderSuite(run, stage, jobs, "", ignored));
    }
  }

 private:
  std::string dir_;
};

}  // namespace

std::string RenderJUnit(const RunResult& run) {
  SuiteCounts totals;
  std::string suites;
  for (const auto& [stage, jobs] : GroupByStage(run)) {
    suites += RenderSuite(run, stage, jobs, "  ", totals);
  }
  double total_time = std::chrono::duration<double>(run.finished - run.started).count();
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" +
         XmlEscape(BaseName(run.pipeline_file)) + "\" tests=\"" + std::to_string(totals.tests) +
         "\" failures=\"" + std::to_string(totals.failures) + "\" errors=\"0\" skipped=\"" +
         std::to_string(totals.skipped) + "\" time=\"" + Seconds(total_time) + "\">\n" + suites +
         "</testsuites>\n";
}

std::shared_ptr<RunObserver> MakeJUnitDirectoryReporter(const std::string& dir) {
  return std::make_shared<JUnitDirectoryReporter>(dir);
}

std::shared_ptr<RunObserver> MakeJUnitReporter(const std::string& path) {
  return report::MakeFileReport(path, RenderJUnit);
}

}  // namespace pipeline
