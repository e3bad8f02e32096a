#ifndef PIPELINE_TESTS_INTEGRATION_CLI_HARNESS_H_
#define PIPELINE_TESTS_INTEGRATION_CLI_HARNESS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pipeline::testing {

/// The image every CLI test runs on: install/build-images.sh --busybox-only builds it.
inline constexpr const char* kBusybox = "docker-pipeline/busybox:latest";

/// A throwaway git repository with one commit, removed with the object.
class TempRepo {
 public:
  /// `files` maps relative paths to contents; all are committed.
  explicit TempRepo(const std::map<std::string, std::string>& files);
  ~TempRepo();
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;

  const std::string& path() const { return path_; }
  void Write(const std::string& relative, const std::string& content) const;
  /// Stages everything and commits; returns the new HEAD's SHA.
  std::string Commit(const std::string& message) const;

 private:
  std::string path_;
};

/// What a finished process left.
struct ProcessResult {
  int exit_code = -1;  ///< 128 + signal when it was killed
  std::string out;
  std::string err;
  std::string all() const { return out + err; }
};

struct RunSpec {
  std::vector<std::string> args;  ///< after the binary
  std::string cwd;
  std::map<std::string, std::string>
      env;                          ///< added to (or, with an empty value, removed from) ours
  std::string program;              ///< empty: the docker-pipeline binary under test
  std::chrono::seconds limit{120};  ///< killed (and the test fails) past it
  /// Called once after start with the child's pid, with the output so far available through
  /// `output_so_far`; used to send signals mid-run.
  std::function<void(int pid, const std::function<std::string()>& output_so_far)> during;
};

/// Runs a program with captured stdout and stderr and no stdin.
ProcessResult RunProcess(const RunSpec& spec);

/// Shorthand: runs the binary under test in `cwd` with `args`.
ProcessResult RunCli(const std::string& cwd, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {});

/// Runs the git program in `cwd` as a test's committer ("test <test@localhost>"), with `env`
/// added; fixtures use it to push, tag and inspect repositories (the engine itself never does).
ProcessResult RunGit(const std::string& cwd, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {});

/// Polls `output_so_far` until it contains `needle` or `limit` passes; true when found.
bool WaitForOutput(const std::function<std::string()>& output_so_far, const std::string& needle,
                   std::chrono::seconds limit = std::chrono::seconds(30));

/// Names of the containers, networks and volumes of the runs this test started: those labelled
/// with a run id recorded since ForgetRecordedRuns(), or owned by a process RunProcess started
/// (which catches a runner killed before it printed its run id). Objects of other tests running
/// on the same daemon at the same time, and cache volumes (kept on purpose, no run label), are
/// not counted.
std::vector<std::string> LeftoverObjects();

/// Polls until LeftoverObjects() is empty; returns how long that took, or `limit` + 1 s.
std::chrono::milliseconds WaitForNoLeftovers(std::chrono::seconds limit);

/// Starts a new test's record: LeftoverObjects() forgets the runs and processes seen so far.
void ForgetRecordedRuns();

/// Counts objects labelled with `run_id` as this test's (RunProcess records every run id its
/// processes print; call this for objects a test makes itself).
void RecordRun(const std::string& run_id);

/// The run id the console printed ("(run ID, N jobs)"), or "" before it did.
std::string RunIdIn(const std::string& output);

/// Every run id the output names, in order (a hook or a retried command prints several).
std::vector<std::string> RunIdsIn(const std::string& output);

/// A job's script line (a YAML single-quoted scalar) that waits until the test calls ReleaseJobs
/// for its run (at most 2 minutes): tests synchronise on events, not on sleeps a loaded machine
/// may outlast.
inline constexpr const char* kWaitForRelease =
    "'i=0; while [ ! -e /tmp/go ] && [ $i -lt 120 ]; do sleep 1; i=$((i+1)); done'";

/// Lets the jobs of run `run_id` waiting in kWaitForRelease go on (through `docker exec`: a test
/// fixture, not the engine under test). Returns what went wrong, or "" (never throws: it is
/// called from RunSpec::during).
std::string ReleaseJobs(const std::string& run_id);

/// Makes the containers of run `run_id` deaf to SIGTERM: their init is stopped (SIGSTOP) from the
/// host, so a SIGTERM stays pending and only SIGKILL ends them. No job can do this itself: its
/// script runs in a subshell of a wrapper shell that dies of SIGTERM whatever the job traps.
/// Needs the daemon on this host and the right to signal its processes (root). Returns what went
/// wrong, or "".
std::string MakeDeafToSigterm(const std::string& run_id);

/// The peak resident memory (VmHWM) of process `pid`, polled until it exits (call it from
/// RunSpec::during; it returns once the process is a zombie, which the harness then reaps).
int64_t PeakMemoryUntilExit(int pid);

}  // namespace pipeline::testing

#endif  // PIPELINE_TESTS_INTEGRATION_CLI_HARNESS_H_
