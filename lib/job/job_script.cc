#include "job/job_script.h"

#include <vector>

#include "job/pipe_script.h"
#include "job/secrets_file.h"
#include "model/shell_quote.h"

namespace pipeline::exec {
namespace {

void AppendEchoed(const std::vector<std::string>& commands, std::string& out) {
  for (const std::string& command : commands) {
    out += "printf '%s\\n' " + ShellQuote("+ " + command) + "\n";
    out += command + "\n";
  }
}

}  // namespace

std::string BuildJobScript(const Job& job) {
  bool bitbucket = job.script_style == ScriptStyle::kBitbucket;
  // The subshell keeps `set -e` and any `exit` in the user's commands from skipping after_script;
  // it is not tested with `||`, which would switch `set -e` off inside it. Commands are written
  // one per line, so an `if ...; then` in one item and its `fi` in a later one still parse.
  //
  // It runs in the background of this shell, which waits for it: a shell waiting for a foreground
  // child dies of SIGTERM (a cancel, a timeout) without passing it on, so a `trap ... TERM` in the
  // user's commands would never run. The trap below hands SIGTERM to the subshell, waits for it
  // to end (its trap may take the grace period) and then ends as the signal would have ended it,
  // skipping after_script as before.
  std::string out =
      "trap '__dp_term=1; kill -TERM \"$__dp_pid\" 2>/dev/null' TERM\n"
      "(\nset -e\n";
  AppendEchoed(job.before_script, out);
  // A pipe stands between two commands; the shell hands it to the runner and waits for it.
  if (!job.pipes.empty()) out += PipeHandoffFunction();
  size_t next_pipe = 0;
  for (size_t i = 0; i <= job.script.size(); ++i) {
    for (; next_pipe < job.pipes.size() && job.pipes[next_pipe].script_index == i; ++next_pipe) {
      out += PipeHandoff(job.pipes[next_pipe], next_pipe);
    }
    if (i < job.script.size()) AppendEchoed({job.script[i]}, out);
  }
  out += ") &\n__dp_pid=$!\n";
  // `wait` returns early when the trap runs; the subshell is reaped by the last one.
  out +=
      "while :; do wait \"$__dp_pid\"; __dp_status=$?; kill -0 \"$__dp_pid\" 2>/dev/null || break; "
      "done\n";
  out += "trap - TERM\n[ -z \"$__dp_term\" ] || exit 143\n";
  if (!job.after_script.empty()) {
    if (bitbucket) {
      out += "BITBUCKET_EXIT_CODE=$__dp_status\nexport BITBUCKET_EXIT_CODE\n";
    } else {
      out +=
          "if [ \"$__dp_status\" -eq 0 ]; then CI_JOB_STATUS=success; else CI_JOB_STATUS=failed; "
          "fi\n";
      out += "export CI_JOB_STATUS\n";
    }
    out += "(\nset -e\n";
    AppendEchoed(job.after_script, out);
    out += ")\n__dp_after=$?\n";
    out += std::string("[ \"$__dp_after\" -eq 0 ] || printf '") +
           (bitbucket ? "after-script" : "after_script") +
           " failed with exit code %s\\n' \"$__dp_after\" >&2\n";
  }
  out += "exit \"$__dp_status\"\n";
  return out;
}

std::vector<std::string> JobCommand(const Job& job) {
  std::string script = BuildJobScript(job);
  if (job.script_style != ScriptStyle::kBitbucket) {
    return {"/bin/sh", "-c", LoadSecretsCommand() + script};
  }
  // Bitbucket runs the script with bash when the image has it, else with sh; the secrets, exported
  // by sh first, are inherited by either.
  return {"/bin/sh", "-c",
          LoadSecretsCommand() +
              "if command -v bash >/dev/null 2>&1; then exec bash -c \"$1\"; fi; exec /bin/sh -c "
              "\"$1\"",
          "docker-pipeline", script};
}

}  // namespace pipeline::exec
