#include "job/pipe_script.h"

#include <set>

#include "job/job_script.h"
#include "model/shell_quote.h"

namespace pipeline::exec {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

std::string PipeEnvFile(size_t index) { return "env-" + std::to_string(index + 1); }
std::string PipeDoneFile(size_t index) { return "done-" + std::to_string(index + 1); }

std::string PipeHandoffFunction() {
  std::string dir = kPipeDirInContainer;
  // `cat` is a child of the shell, so /proc/self/environ is what the shell exports right now.
  // The wait polls: a tenth of a second is little next to a container's start, and `sleep 1`
  // serves a sleep that takes whole seconds only. A code file that is empty reads as 125,
  // docker run's own failure code.
  std::string out = "__dp_pipe() {\n";
  out += "  cat /proc/self/environ > " + dir + "/env-$1.tmp\n";
  out += "  mv " + dir + "/env-$1.tmp " + dir + "/env-$1\n";
  out += "  while [ ! -e " + dir + "/done-$1 ]; do sleep 0.1 2>/dev/null || sleep 1; done\n";
  out += "  __dp_pipe_code=\n";
  out += "  read -r __dp_pipe_code < " + dir + "/done-$1 || true\n";
  out += "  return \"${__dp_pipe_code:-125}\"\n";
  return out + "}\n";
}

std::string PipeHandoff(const PipeCall& pipe, size_t index) {
  return "printf '%s\\n' " + ShellQuote("+ pipe: " + pipe.ref) + "\n__dp_pipe " +
         std::to_string(index + 1) + "\n";
}

std::string ExpandShellVariables(const std::string& text,
                                 const std::map<std::string, std::string>& shell_env) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    size_t start = i + 1;
    bool braced = text[start] == '{';
    if (braced) ++start;
    size_t end = start;
    if (end < text.size() && IsNameStart(text[end])) {
      while (end < text.size() && IsNameChar(text[end])) ++end;
    }
    if (end == start || (braced && (end >= text.size() || text[end] != '}'))) {
      out += text[i];  // not a variable reference: keep the `$`
      continue;
    }
    auto found = shell_env.find(text.substr(start, end - start));
    if (found != shell_env.end()) out += found->second;
    i = braced ? end : end - 1;
  }
  return out;
}

std::map<std::string, std::string> ParseEnvironBlock(const std::string& block) {
  std::map<std::string, std::string> env;
  size_t start = 0;
  while (start < block.size()) {
    size_t end = block.find('\0', start);
    if (end == std::string::npos) end = block.size();
    std::string entry = block.substr(start, end - start);
    size_t equals = entry.find('=');
    if (equals != std::string::npos && equals > 0) {
      env[entry.substr(0, equals)] = entry.substr(equals + 1);
    }
    start = end + 1;
  }
  return env;
}

std::vector<std::string> PipeEnvironment(const PipeCall& pipe,
                                         const std::vector<std::string>& step_env,
                                         const std::map<std::string, std::string>& shell_env) {
  std::set<std::string> own;
  for (const auto& variable : pipe.variables) own.insert(variable.first);
  std::vector<std::string> env;
  for (const std::string& entry : step_env) {
    if (own.count(entry.substr(0, entry.find('='))) == 0) env.push_back(entry);
  }
  for (const auto& [name, value] : pipe.variables) {
    env.push_back(name + "=" + ExpandShellVariables(value, shell_env));
  }
  return env;
}

}  // namespace pipeline::exec
