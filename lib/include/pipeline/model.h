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

/// How a job's commands are run, after the CI service the file was written for.
enum class ScriptStyle {
  kGitLab,     ///< /bin/sh; after_script in a new shell with CI_JOB_STATUS
  kBitbucket,  ///< bash when the image has it, else sh; after-script with BITBUCKET_EXIT_CODE
};

/// A container that runs beside a job: sharing its network namespace, reached on localhost
/// (Bitbucket), or on a network of the job's own under hostnames (GitLab, `aliases` set).
struct Service {
  std::string name;
  std::string image;
  EnvVars variables;
  int64_t memory_bytes = int64_t{1024} << 20;  ///< 0: no limit of its own
  /// Non-empty: the job and its services share a network of their own and the job reaches this
  /// service by these hostnames (GitLab: from the image name, plus `alias`).
  std::vector<std::string> aliases;
  std::vector<std::string> entrypoint;  ///< empty: the image's
  std::vector<std::string> command;     ///< empty: the image's
};

/// A directory kept between runs in a volume of ours. Bitbucket's rules by default: restored when
/// it exists, saved after a passed job only when it does not, expired after a week. GitLab's
/// (`gitlab`): restored and saved as `pull`/`push` and `when` say, every save replacing it.
struct CacheSpec {
  std::string name;  ///< the cache's name; GitLab: its key (with key:files, the prefix)
  std::string path;  ///< in the container; relative paths are below the workdir
  std::vector<std::string> key_files;  ///< non-empty: the cache is versioned by these files' hash
  bool gitlab = false;
  bool pull = true;  ///< restored before the script (GitLab policy pull, pull-push)
  bool push = true;  ///< saved after it (GitLab policy push, pull-push)
  /// GitLab's `cache:when`: after which outcomes of the job it is saved.
  enum class SaveWhen { kOnSuccess, kOnFailure, kAlways };
  SaveWhen when = SaveWhen::kOnSuccess;
  /// GitLab's `fallback_keys`: restored from the first of these that is kept, when `name` is not.
  std::vector<std::string> fallback_keys;
};

/// GitLab's `retry`: how many more times a failed job runs, and for which failures.
struct RetryPolicy {
  int max = 0;  ///< 0 to 2, as in GitLab
  /// Failure kinds that are retried: "script_failure" (non-zero exit), "job_execution_timeout"
  /// and "stuck_or_timeout_failure" (its own timeout), "runner_system_failure" and the other
  /// infrastructure kinds (the daemon failed to create, start or follow the container), or
  /// "always". Empty with no exit_codes: always.
  std::vector<std::string> when;
  std::vector<int> exit_codes;  ///< also retried when the job exits with one of these
};

/// A Bitbucket pipe called from a job's script: the pipe's image runs as its own container in the
/// middle of the script, with the clone dir as its working directory.
struct PipeCall {
  std::string ref;    ///< as written: "atlassian/NAME:1", "owner/NAME:1", "docker://IMAGE"
  std::string image;  ///< the image it runs as
  /// The pipe's variables, lists already spread into NAME_0.., NAME_COUNT; `$NAME` in a value is
  /// expanded from the script's environment when the pipe starts, as the cloud's shell does.
  EnvVars variables;
  size_t script_index = 0;  ///< runs before script[script_index]; script.size(): after the last
  bool in_after_script = false;  ///< script_index counts after_script's commands instead
  SourceLocation location;
};

/// One unit of work: one container, one shell script.
struct Job {
  std::string name;
  std::string stage;
  std::string image;  ///< resolved: the job's, else the pipeline's, else kDefaultImage
  std::vector<std::string> before_script;
  std::vector<std::string> script;
  std::vector<PipeCall> pipes;  ///< in script order; the shell's state carries across each
  std::vector<std::string> after_script;  ///< runs whatever happened, its failure does not count
  EnvVars variables;                      ///< the job's own; the pipeline's are in Pipeline
  /// Names of jobs this one waits for. Unset means "every job of the previous stages" (GitLab).
  std::optional<std::vector<std::string>> needs;
  bool allow_failure = false;
  std::vector<int> allow_failure_exit_codes;  ///< non-empty: only these codes are allowed to fail
  bool manual = false;  ///< `when: manual`: runs only when selected by name (--job)
  /// GitLab's `when` for jobs that are not manual: after success (the default), only after a
  /// failure of an earlier stage or need, or whatever happened.
  enum class When { kOnSuccess, kOnFailure, kAlways };
  When when = When::kOnSuccess;
  std::optional<std::chrono::seconds> timeout;
  RetryPolicy retry;
  Resources resources;
  SourceLocation location;  ///< where the job is defined, for errors that name it

  ScriptStyle script_style = ScriptStyle::kGitLab;
  std::string workdir;  ///< where the workspace is mounted; empty: /builds/<repository name>
  /// The uid the job's commands run as (Bitbucket's `run-as-user`); empty: the image's user.
  /// The job's workspace is handed to that user so it can write there.
  std::string user;
  std::vector<Service> services;
  std::vector<std::string> artifacts;  ///< glob patterns (`**` too) collected after the job
  bool download_artifacts = true;      ///< restore the artifacts of the jobs it follows first
  std::vector<CacheSpec> caches;
  std::string deployment;  ///< the deployment environment, when the job deploys
  /// Bitbucket `runs-on`: the runner labels the step asks for. Locally only shown and put on its
  /// container as kLabelRunsOn; every step runs on the one daemon.
  std::vector<std::string> runner_labels;
  /// Non-empty: the job runs only when a changed file matches one of these globs.
  std::vector<std::string> changeset_includes;
  /// A changed file matching one of these globs does not count for `changeset_includes` (all
  /// changed files matching them: the job is skipped). Bitbucket's `excludePaths`.
  std::vector<std::string> changeset_excludes;
  /// A manual job that is not run also keeps everything after it from running (Bitbucket).
  bool manual_blocks = false;
  /// When this job fails, jobs still running are stopped (else they may finish first): a
  /// Bitbucket step (`fail-fast` in a parallel group). A GitLab job never stops the others.
  bool stop_running_on_failure = false;
  size_t parallel_index = 0;  ///< its place in a parallel group (BITBUCKET_PARALLEL_STEP)
  size_t parallel_count = 0;  ///< 0: not in a parallel group
  /// GitLab's `parallel`: the job as written, of which this is one instance ("test 1/3",
  /// "test: [a, b]"); empty for a job that is not expanded.
  std::string parallel_of;
};

/// One pipeline of a file that has several (Bitbucket), with its own jobs (for `list`).
struct PipelineEntry {
  std::string name;  ///< "default", "branches/<pattern>", "custom/<name>", ...
  std::vector<Job> jobs;
  std::string unsupported;  ///< non-empty: why it cannot run locally (an import)
};

/// A parsed pipeline file: plain data, no I/O.
struct Pipeline {
  static constexpr const char* kDefaultImage = "debian:bookworm-slim";

  std::string file;  ///< the path it was read from
  Format format = Format::kNative;
  std::vector<std::string> stages;
  EnvVars variables;      ///< pipeline-wide variables
  /// Variables the CI service sets for this pipeline, under `variables` (GitLab's
  /// CI_PIPELINE_SOURCE, CI_DEFAULT_BRANCH, CI_COMMIT_REF_SLUG, ...); the run adds its own.
  EnvVars predefined;
  std::vector<Job> jobs;  ///< in file order
  /// Which of the file's pipelines this is ("default", "branches/main", "custom/deploy"); empty
  /// for formats with one pipeline per file.
  std::string selected;
  /// Every pipeline the file defines, in file order (for `docker pipeline list`).
  std::vector<std::string> available;
  /// Each of `available` with its jobs, in file order (Bitbucket).
  std::vector<PipelineEntry> entries;
  /// Non-empty when nothing runs for the chosen branch or ref (then `jobs` is empty): why, and for
  /// Bitbucket how to pick a pipeline ("no pipeline runs for branch ...", "file:line:
  /// 'workflow:rules' run no ..."). Not an error: a CI service runs no pipeline then either.
  std::string nothing_to_run;
  /// Keys accepted but not honoured locally: one line each, "file:line: ..."; printed once.
  std::vector<std::string> warnings;

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
