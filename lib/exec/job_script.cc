#include "exec/job_script.h"

#include <vector>

namespace pipeline::exec {
namespace {

void AppendEchoed(const std::vector<std::string>& commands, std::string& out) {
  for (const std::string& command : commands) {
    out += "printf '%s\\n' " + ShellQuote("+ " + command) + "\n";
    out += command + "\n";
  }
}

}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string BuildJobScript(const Job& job) {
  // The subshell keeps `set -e` and any `exit` in the user's commands from skipping after_script;
  // it is not tested with `||`, which would switch `set -e` off inside it.
  std::string out = "(\nset -e\n";
  AppendEchoed(job.before_script, out);
  AppendEchoed(job.script, out);
  out += ")\n__dp_status=$?\n";
  if (!job.after_script.empty()) {
    out += "if [ \"$__dp_status\" -eq 0 ]; then CI_JOB_STATUS=success; else CI_JOB_STATUS=failed; fi\n";
    out += "export CI_JOB_STATUS\n(\nset -e\n";
    AppendEchoed(job.after_script, out);
    out += ")\n__dp_after=$?\n";
    out += "[ \"$__dp_after\" -eq 0 ] || printf 'after_script failed with exit code %s\\n' "
           "\"$__dp_after\" >&2\n";
  }
  out += "exit \"$__dp_status\"\n";
  return out;
}

}  // namespace pipeline::exec
