#include "stepdocker/http_head.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace pipeline::stepdocker {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

/// A bare CR, LF or other control byte inside a line: another parser could split the line there
/// and see a header this one did not.
bool HasControl(std::string_view line) {
  return std::any_of(line.begin(), line.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

}  // namespace

std::optional<std::string> HttpHead::Get(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

void HttpHead::Set(const std::string& name, const std::string& value) {
  Remove(name);
  headers.emplace_back(name, value);
}

void HttpHead::Remove(std::string_view name) {
  headers.erase(
      std::remove_if(headers.begin(), headers.end(),
                     [&](const auto& header) { return EqualsIgnoreCase(header.first, name); }),
      headers.end());
}

std::string HttpHead::Serialize() const {
  std::string out = first + " " + second + (third.empty() ? "" : " " + third) + "\r\n";
  for (const auto& [key, value] : headers) out += key + ": " + value + "\r\n";
  return out + "\r\n";
}

std::optional<size_t> FindHeadEnd(std::string_view buffer) {
  size_t end = buffer.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  return end + 4;
}

HttpHead ParseHead(std::string_view text) {
  HttpHead head;
  size_t line_end = text.find("\r\n");
  std::string_view start = text.substr(0, line_end);
  if (HasControl(start)) throw HttpSyntaxError("control character in the start line");
  size_t space1 = start.find(' ');
  if (space1 == std::string_view::npos) {
    throw HttpSyntaxError("malformed start line '" + std::string(start) + "'");
  }
  size_t space2 = start.find(' ', space1 + 1);
  head.first = std::string(start.substr(0, space1));
  if (space2 == std::string_view::npos) {
    head.second = std::string(start.substr(space1 + 1));
  } else {
    head.second = std::string(start.substr(space1 + 1, space2 - space1 - 1));
    head.third = std::string(start.substr(space2 + 1));
  }
  if (head.first.empty() || head.second.empty()) {
    throw HttpSyntaxError("malformed start line '" + std::string(start) + "'");
  }
  while (line_end != std::string_view::npos) {
    size_t from = line_end + 2;
    line_end = text.find("\r\n", from);
    std::string_view line = text.substr(
        from, line_end == std::string_view::npos ? std::string_view::npos : line_end - from);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || HasControl(line) ||
        line.substr(0, colon).find_first_of(" \t") != std::string_view::npos) {
      throw HttpSyntaxError("malformed header line '" + std::string(line) + "'");
    }
    head.headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                              std::string(Trim(line.substr(colon + 1))));
  }
  return head;
}

bool IsChunked(const HttpHead& head) {
  std::optional<std::string> coding = head.Get("Transfer-Encoding");
  if (!coding) return false;
  std::string_view value = Trim(*coding);
  size_t comma = value.rfind(',');
  if (comma != std::string_view::npos) value = Trim(value.substr(comma + 1));
  return EqualsIgnoreCase(value, "chunked");
}

Target SplitTarget(const std::string& target) {
  size_t question = target.find('?');
  if (question == std::string::npos) return {target, ""};
  return {target.substr(0, question), target.substr(question + 1)};
}

std::string JoinTarget(const Target& target) {
  return target.query.empty() ? target.path : target.path + "?" + target.query;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  try {
    Poco::URI::decode(std::string(text), out, false);
  } catch (const Poco::SyntaxException& error) {
    throw HttpSyntaxError("bad percent-escape in '" + std::string(text) + "'");
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> QueryParams(const std::string& query) {
  Poco::URI uri;
  uri.setRawQuery(query);
  try {
    return uri.getQueryParameters();
  } catch (const Poco::SyntaxException& error) {
    throw HttpSyntaxError("bad query string '" + query + "'");
  }
}

std::optional<std::string> QueryParam(const std::string& query, const std::string& name) {
  for (const auto& [key, value] : QueryParams(query)) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string WithQueryParam(const std::string& query, const std::string& name,
                           const std::string& value) {
  std::vector<std::pair<std::string, std::string>> params = QueryParams(query);
  params.erase(std::remove_if(params.begin(), params.end(),
                              [&](const auto& param) { return param.first == name; }),
               params.end());
  params.emplace_back(name, value);
  Poco::URI uri;
  uri.setQueryParameters(params);
  return uri.getRawQuery();
}

}  // namespace pipeline::stepdocker
