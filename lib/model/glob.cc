#include "model/glob.h"

#include <vector>

namespace pipeline {
namespace {

/// Expands the first {a,b} group of `pattern` into one pattern per alternative, recursively.
std::vector<std::string> ExpandBraces(const std::string& pattern) {
  size_t open = pattern.find('{');
  if (open == std::string::npos) return {pattern};
  size_t depth = 0;
  size_t close = open;
  std::vector<size_t> commas;
  for (size_t i = open; i < pattern.size(); ++i) {
    if (pattern[i] == '{') ++depth;
    if (pattern[i] == '}' && --depth == 0) {
      close = i;
      break;
    }
    if (pattern[i] == ',' && depth == 1) commas.push_back(i);
  }
  if (close == open) return {pattern};  // unbalanced: a literal brace
  std::vector<std::string> expanded;
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t comma : commas) {
    std::string alternative =
        pattern.substr(0, open) + pattern.substr(start, comma - start) + pattern.substr(close + 1);
    for (std::string& more : ExpandBraces(alternative)) expanded.push_back(std::move(more));
    start = comma + 1;
  }
  return expanded;
}

bool MatchClass(const std::string& pattern, size_t& p, char c) {
  size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  for (bool first = true; i < pattern.size() && (first || pattern[i] != ']'); first = false, ++i) {
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      matched = matched || (c >= pattern[i] && c <= pattern[i + 2]);
      i += 2;
    } else {
      matched = matched || c == pattern[i];
    }
  }
  p = i;  // at the closing ']'
  return matched != negate;
}

bool Match(const std::string& pattern, size_t p, const std::string& path, size_t s) {
  while (p < pattern.size()) {
    char c = pattern[p];
    if (c == '*' && p + 1 < pattern.size() && pattern[p + 1] == '*') {
      // `**/` may match nothing; `**` anywhere else matches across separators.
      size_t next = p + 2;
      bool slash_after = next < pattern.size() && pattern[next] == '/';
      if (slash_after && Match(pattern, next + 1, path, s)) return true;
      for (size_t k = s; k <= path.size(); ++k) {
        if (Match(pattern, next, path, k)) return true;
      }
      return false;
    }
    if (c == '*') {
      for (size_t k = s; k <= path.size(); ++k) {
        if (Match(pattern, p + 1, path, k)) return true;
        if (k < path.size() && path[k] == '/') break;
      }
      return false;
    }
    if (s >= path.size()) return false;
    if (c == '?') {
      if (path[s] == '/') return false;
    } else if (c == '[' && pattern.find(']', p + 2) != std::string::npos) {
      if (path[s] == '/' || !MatchClass(pattern, p, path[s])) return false;
    } else if (c != path[s]) {
      return false;
    }
    ++p;
    ++s;
  }
  return s == path.size();
}

}  // namespace

bool GlobMatch(const std::string& pattern, const std::string& path) {
  for (const std::string& alternative : ExpandBraces(pattern)) {
    if (Match(alternative, 0, path, 0)) return true;
  }
  return false;
}

}  // namespace pipeline
