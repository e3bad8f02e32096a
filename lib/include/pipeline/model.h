#ifndef PIPELINE_MODEL_H_
#define PIPELINE_MODEL_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pipeline {

/// Where something was written in a pipeline file; line and column are 1-based, 0 when unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:column", or as much of it as is known.
  std::string ToString() const;
};

/// Ordered NAME=VALUE pairs; order matters because later layers override earlier ones.
using EnvVars = std::vector<std::pair<std::string, std::string>>;

/// Container limits. Unset fields fall back to the run's defaults (RunOptions).
struct Resources {
  std::optional<int64_t> memory_bytes;  ///< memory and memory+swap (no swap on top)
  std::optional<double> cpus;           ///< fractional CPUs, as `docker run --cpus`
  std::optional<int64_t> pids;          ///< maximum number of processes

  /// Fields set in `over` win over the ones in this.
  Resources OverriddenBy(const Resources& over) const;
};

/// Which pipeline format a file is written in.
enum class Format { kNative, kBitbucket };

/// One unit of work: one container, one shell script.
struct Job {
  std::string name;
  std::string stage;
  std::string image;  ///< resolved: the job's, else the pipeline's, else kDefaultImage
  std::vector<std::string> before_script;
  std::vector<std::string> script;
  std::vector<std::string> after_script;  ///< runs whatever happened, its failure does not count
  EnvVars variables;                      ///< the job's own; the pipeline's are in Pipeline
  /// Names of jobs this one waits for. Unset means "every job of the previous stages" (GitLab).
  std::optional<std::vector<std::string>> needs;
  bool allow_failure = false;
  std::vector<int> allow_failure_exit_codes;  ///< non-empty: only these codes are allowed to fail
  bool manual = false;  ///< `when: manual`: runs only when selected by name (--job)
  std::optional<std::chrono::seconds> timeout;
  Resources resources;
  SourceLocation location;  ///< where the job is defined, for errors that name it
};

/// A parsed pipeline file: plain data, no I/O.
struct Pipeline {
  static constexpr const char* kDefaultImage = "debian:bookworm-slim";

  std::string file;  ///< the path it was read from
  Format format = Format::kNative;
  std::vector<std::string> stages;
  EnvVars variables;      ///< pipeline-wide variables
  std::vector<Job> jobs;  ///< in file order

  /// The job called `name`, or nullptr.
  const Job* FindJob(const std::string& name) const;
};

/// Merges variable layers: a later layer's value replaces an earlier one's, and a name keeps the
/// position it first had.
EnvVars MergeEnv(const std::vector<const EnvVars*>& layers);

/// Parses "512m", "1g", "4GiB", "1024" (bytes) into bytes; nullopt when it is not a size.
std::optional<int64_t> ParseByteSize(const std::string& text);

/// Parses GitLab-style durations: "90", "30s", "10m", "1h 30m", "2 hours", "10 minutes";
/// nullopt when it is not a duration.
std::optional<std::chrono::seconds> ParseDuration(const std::string& text);

}  // namespace pipeline

#endif  // PIPELINE_MODEL_H_
