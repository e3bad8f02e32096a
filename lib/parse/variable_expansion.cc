#include "parse/variable_expansion.h"

#include <cctype>

namespace pipeline::parse {
namespace {

/// Deep enough for real chains (A=$B, B=$C), and it ends a variable that names itself.
constexpr int kMaxExpansionDepth = 10;

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

const std::string* Find(const EnvVars& variables, const std::string& name) {
  const std::string* value = nullptr;
  for (const auto& [key, text] : variables) {
    if (key == name) value = &text;
  }
  return value;
}

std::string Expand(const std::string& text, const EnvVars& variables,
                   std::vector<std::string>* unknown, int depth) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    bool braced = text[i + 1] == '{';
    size_t start = i + (braced ? 2 : 1);
    size_t end = start;
    while (end < text.size() && IsNameChar(text[end])) ++end;
    if (end == start || (braced && (end == text.size() || text[end] != '}'))) {
      out += text[i];  // not a reference: "$", "${", "$-"
      continue;
    }
    std::string name = text.substr(start, end - start);
    size_t next = braced ? end + 1 : end;
    const std::string* value = Find(variables, name);
    if (value == nullptr || depth >= kMaxExpansionDepth) {
      if (unknown != nullptr) unknown->push_back(name);
      out += text.substr(i, next - i);
    } else {
      out += Expand(*value, variables, unknown, depth + 1);
    }
    i = next - 1;
  }
  return out;
}

}  // namespace

std::string ExpandVariables(const std::string& text, const EnvVars& variables,
                            std::vector<std::string>* unknown) {
  return Expand(text, variables, unknown, 0);
}

}  // namespace pipeline::parse
