#include "job/job_script.h"

#include <vector>

#include "job/pipe_script.h"
#include "job/secrets_file.h"
#include "model/shell_quote.h"
#include "pipeline/docker.h"

namespace pipeline::exec {
namespace {

/// Numbers the commands for the failure state when `number` points at the next number.
void AppendEchoed(const std::vector<std::string>& commands, std::string& out,
                  size_t* number = nullptr) {
  for (const std::string& command : commands) {
    if (number != nullptr) out += "__dp_n=" + std::to_string((*number)++) + "\n";
    out += "printf '%s\\n' " + ShellQuote("+ " + command) + "\n";
    out += command + "\n";
  }
}

/// Inside the script's subshell: on a failing exit, where it was, what it exported and which
/// command failed, for the shell of --shell-on-failure. Errors are ignored (a read-only /tmp
/// only loses the state, never the job's exit code).
std::string SaveFailureStateTrap() {
  std::string dir = docker::kFailureStateDir;
  return "trap '__dp_s=$?; if [ \"$__dp_s\" -ne 0 ]; then { mkdir -p " + dir + " && pwd > " + dir +
         "/pwd && export -p > " + dir + "/env && echo \"$__dp_n\" > " + dir +
         "/n; } 2>/dev/null; fi' EXIT\n";
}

/// `commands` with the job's pipes of that list (`after_script` or not) between them, each before
/// the command its script_index names.
void AppendWithPipes(const Job& job, const std::vector<std::string>& commands, bool after_script,
                     std::string& out, size_t* number = nullptr) {
  for (size_t i = 0; i <= commands.size(); ++i) {
    for (size_t pipe = 0; pipe < job.pipes.size(); ++pipe) {
      const PipeCall& call = job.pipes[pipe];
      if (call.in_after_script == after_script && call.script_index == i) {
        out += PipeHandoff(call, pipe);
      }
    }
    if (i < commands.size()) AppendEchoed({commands[i]}, out, number);
  }
}

bool HasAfterScriptPipes(const Job& job) {
  for (const PipeCall& pipe : job.pipes) {
    if (pipe.in_after_script) return true;
  }
  return false;
}

}  // namespace

std::string BuildJobScript(const Job& job, bool save_failure_state) {
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
  //
  // A pipe stands between two commands; the shell hands it to the runner and waits for it. The
  // function is defined outside the subshells, so the script and after-script both have it.
  std::string out = job.pipes.empty() ? "" : PipeHandoffFunction();
  out +=
      "trap '__dp_term=1; kill -TERM \"$__dp_pid\" 2>/dev/null' TERM\n"
      "(\nset -e\n";
  size_t number = 0;
  size_t* numbering = save_failure_state ? &number : nullptr;
  if (save_failure_state) out += SaveFailureStateTrap();
  AppendEchoed(job.before_script, out, numbering);
  AppendWithPipes(job, job.script, false, out, numbering);
  out += ") &\n__dp_pid=$!\n";
  // `wait` returns early when the trap runs; the subshell is reaped by the last one.
  out +=
      "while :; do wait \"$__dp_pid\"; __dp_status=$?; kill -0 \"$__dp_pid\" 2>/dev/null || break; "
      "done\n";
  out += "trap - TERM\n[ -z \"$__dp_term\" ] || exit 143\n";
  if (!job.after_script.empty() || HasAfterScriptPipes(job)) {
    if (bitbucket) {
      out += "BITBUCKET_EXIT_CODE=$__dp_status\nexport BITBUCKET_EXIT_CODE\n";
    } else {
      out +=
          "if [ \"$__dp_status\" -eq 0 ]; then CI_JOB_STATUS=success; else CI_JOB_STATUS=failed; "
          "fi\n";
      out += "export CI_JOB_STATUS\n";
    }
    out += "(\nset -e\n";
    AppendWithPipes(job, job.after_script, true, out);
    out += ")\n__dp_after=$?\n";
    out += std::string("[ \"$__dp_after\" -eq 0 ] || printf '") +
           (bitbucket ? "after-script" : "after_script") +
           " failed with exit code %s\\n' \"$__dp_after\" >&2\n";
  }
  out += "exit \"$__dp_status\"\n";
  return out;
}

std::vector<std::string> NumberedCommands(const Job& job) {
  std::vector<std::string> commands = job.before_script;
  commands.insert(commands.end(), job.script.begin(), job.script.end());
  return commands;
}

std::vector<std::string> JobCommand(const Job& job, bool save_failure_state) {
  std::string script = BuildJobScript(job, save_failure_state);
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
