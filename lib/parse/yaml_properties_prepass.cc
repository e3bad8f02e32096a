#include "parse/yaml_properties_prepass.h"

#include <sstream>
#include <vector>

namespace pipeline::parse {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

size_t IndentOf(const std::string& line) {
  size_t indent = line.find_first_not_of(' ');
  return indent == std::string::npos ? line.size() : indent;
}

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

std::string TrimRight(const std::string& text) {
  size_t end = text.find_last_not_of(" \t\r");
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}

/// True when `line` ends a key or dash with a block scalar header (`|`, `>-`, `|2+`, ...): its
/// more indented lines are the block's text, never YAML to rewrite.
bool OpensBlockScalar(const std::string& line) {
  std::string content = TrimRight(line);
  size_t comment = content.find(" #");
  if (comment != std::string::npos) content = TrimRight(content.substr(0, comment));
  size_t start = content.find_last_of(' ');
  std::string token = start == std::string::npos ? content : content.substr(start + 1);
  if (token.empty() || (token[0] != '|' && token[0] != '>')) return false;
  return token.find_first_not_of("-+0123456789", 1) == std::string::npos;
}

/// Where the node properties (`&anchor`, `!tag`, both in either order) end when `line` has them
/// right after its indent and any `- `, followed by a plain scalar; npos otherwise. `dash` is
/// set to the column of the innermost sequence's dash, or npos without one.
size_t PropertiesEnd(const std::string& line, size_t& dash) {
  size_t at = IndentOf(line);
  dash = std::string::npos;
  while (at + 1 < line.size() && line[at] == '-' && line[at + 1] == ' ') {
    dash = at;
    at = line.find_first_not_of(' ', at + 1);
    if (at == std::string::npos) return std::string::npos;
  }
  bool any = false;
  while (at < line.size() && (line[at] == '&' || line[at] == '!')) {
    size_t end = line.find(' ', at);
    if (end == std::string::npos) return std::string::npos;  // properties of a nested node
    any = true;
    at = line.find_first_not_of(' ', end);
    if (at == std::string::npos) return std::string::npos;
  }
  if (!any) return std::string::npos;
  // A plain scalar: not quoted, not a block or flow collection, not a comment or an alias.
  if (std::string("\"'|>[]{}#*@`%,?:-").find(line[at]) != std::string::npos) {
    return std::string::npos;
  }
  std::string rest = TrimRight(line.substr(at));
  // A key (`&a foo: 1`), a comment after the text, or a value on the line: not ours.
  if (rest.find(": ") != std::string::npos || rest.back() == ':' ||
      rest.find(" #") != std::string::npos) {
    return std::string::npos;
  }
  return at;
}

/// The indent of the last non-blank, non-comment line before `index`; -1 at the top.
int ParentIndent(const std::vector<std::string>& lines, size_t index) {
  for (size_t i = index; i-- > 0;) {
    if (IsBlank(lines[i])) continue;
    size_t indent = IndentOf(lines[i]);
    if (lines[i][indent] == '#') continue;
    return static_cast<int>(indent);
  }
  return -1;
}

/// Joins lines[index]'s scalar with its continuation lines; false (nothing changed) when they
/// cannot be said on one line.
bool JoinAt(std::vector<std::string>& lines, size_t index, size_t dash) {
  int parent = dash != std::string::npos ? static_cast<int>(dash) : ParentIndent(lines, index);
  size_t last = index;
  for (size_t i = index + 1; i < lines.size(); ++i) {
    if (IsBlank(lines[i])) break;
    if (static_cast<int>(IndentOf(lines[i])) <= parent) break;
    last = i;
  }
  if (last == index) return false;
  // A blank line followed by a continuation would fold into a line break: not one line.
  size_t after = last + 1;
  while (after < lines.size() && IsBlank(lines[after])) ++after;
  if (after > last + 1 && after < lines.size() &&
      static_cast<int>(IndentOf(lines[after])) > parent) {
    return false;
  }
  std::string joined = TrimRight(lines[index]);
  for (size_t i = index + 1; i <= last; ++i) {
    std::string part = TrimRight(lines[i].substr(IndentOf(lines[i])));
    if (part.find('\t') != std::string::npos || part[0] == '#' || part.rfind("- ", 0) == 0 ||
        part.find(" #") != std::string::npos || part.find(": ") != std::string::npos ||
        part.back() == ':') {
      return false;
    }
    joined += " " + part;
  }
  lines[index] = joined;
  for (size_t i = index + 1; i <= last; ++i) lines[i].clear();
  return true;
}

}  // namespace

std::optional<std::string> JoinPropertyPlainScalars(const std::string& text) {
  std::vector<std::string> lines = SplitLines(text);
  bool changed = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (IsBlank(lines[i])) continue;
    if (OpensBlockScalar(lines[i])) {
      size_t header = IndentOf(lines[i]);
      while (i + 1 < lines.size() && (IsBlank(lines[i + 1]) || IndentOf(lines[i + 1]) > header)) {
        ++i;
      }
      continue;
    }
    size_t dash = std::string::npos;
    if (PropertiesEnd(lines[i], dash) == std::string::npos) continue;
    changed = JoinAt(lines, i, dash) || changed;
  }
  if (!changed) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? "" : "\n") + lines[i];
  return out;
}

}  // namespace pipeline::parse
