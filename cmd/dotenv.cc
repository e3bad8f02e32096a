#include "dotenv.h"

#include <cctype>

#include "pipeline/errors.h"

namespace pipeline::cli {

bool IsVariableName(const std::string& name) {
  bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  return valid;
}

EnvVars ParseDotenv(const std::string& text, const std::string& path) {
  EnvVars vars;
  size_t pos = 0;
  int line_number = 0;
  auto fail = [&](const std::string& message) {
    throw UsageError(path + ":" + std::to_string(line_number) + ": " + message);
  };
  while (pos < text.size()) {
    ++line_number;
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    if (line.rfind("export ", 0) == 0) line = line.substr(7);
    size_t equals = line.find('=');
    if (equals == std::string::npos) fail("expected NAME=VALUE");
    std::string name = line.substr(0, equals);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    if (!IsVariableName(name)) fail("'" + name + "' is not a variable name");
    std::string value = line.substr(equals + 1);
    if (!value.empty() && (value[0] == '\'' || value[0] == '"')) {
      char quote = value[0];
      std::string rest = value.substr(1);
      std::string parsed;
      // A quoted value may continue over the next lines until its closing quote.
      while (true) {
        size_t i = 0;
        bool closed = false;
        for (; i < rest.size(); ++i) {
          char c = rest[i];
          if (quote == '"' && c == '\\' && i + 1 < rest.size()) {
            char next = rest[++i];
            parsed += next == 'n' ? '\n' : next == 't' ? '\t' : next;
          } else if (c == quote) {
            closed = true;
            break;
          } else {
            parsed += c;
          }
        }
        if (closed) break;
        if (pos > text.size()) fail("unterminated quoted value of " + name);
        end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        parsed += '\n';
        rest = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
      }
      value = parsed;
    } else {
      size_t comment = value.find(" #");
      if (comment != std::string::npos) value = value.substr(0, comment);
      while (!value.empty() &&
             (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
        value.pop_back();
      }
    }
    vars.emplace_back(name, value);
  }
  return vars;
}

}  // namespace pipeline::cli
