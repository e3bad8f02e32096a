#include "exec/http_head.h"

#include <algorithm>
#include <cctype>

namespace pipeline::exec {
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

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
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

bool ChunkedDecoder::Feed(std::string_view data) {
  if (done_) {
    excess_ += data.size();
    return true;
  }
  pending_.append(data);
  while (true) {
    size_t line_end = pending_.find("\r\n");
    if (line_end == std::string::npos) return false;
    std::string_view size_line = std::string_view(pending_).substr(0, line_end);
    size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions are ignored
    size_line = Trim(size_line);
    if (size_line.empty() || size_line.size() > 15) {
      throw HttpSyntaxError("malformed chunk size '" + std::string(size_line) + "'");
    }
    size_t size = 0;
    for (char c : size_line) {
      int digit = HexValue(c);
      if (digit < 0) throw HttpSyntaxError("malformed chunk size '" + std::string(size_line) + "'");
      size = size * 16 + static_cast<size_t>(digit);
    }
    if (size == 0) {
      // The last chunk: trailers (ignored) up to an empty line.
      size_t trailers_end = pending_.find("\r\n\r\n", line_end);
      if (trailers_end == std::string::npos) {
        if (pending_.size() >= line_end + 4 && pending_.compare(line_end, 4, "\r\n\r\n") == 0) {
          trailers_end = line_end;
        } else {
          return false;
        }
      }
      excess_ = pending_.size() - (trailers_end + 4);
      pending_.clear();
      done_ = true;
      return true;
    }
    if (pending_.size() < line_end + 2 + size + 2) return false;
    body_.append(pending_, line_end + 2, size);
    if (pending_.compare(line_end + 2 + size, 2, "\r\n") != 0) {
      throw HttpSyntaxError("chunk of " + std::to_string(size) + " bytes not followed by CRLF");
    }
    pending_.erase(0, line_end + 2 + size + 2);
  }
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
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::optional<std::string> QueryParam(const std::string& query, const std::string& name) {
  size_t from = 0;
  while (from <= query.size()) {
    size_t amp = query.find('&', from);
    std::string_view pair = std::string_view(query).substr(
        from, amp == std::string::npos ? std::string::npos : amp - from);
    size_t equals = pair.find('=');
    if (PercentDecode(pair.substr(0, equals)) == name) {
      return equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1));
    }
    if (amp == std::string::npos) break;
    from = amp + 1;
  }
  return std::nullopt;
}

std::string WithQueryParam(const std::string& query, const std::string& name,
                           const std::string& value) {
  std::string out;
  size_t from = 0;
  while (from < query.size()) {
    size_t amp = query.find('&', from);
    std::string_view pair = std::string_view(query).substr(
        from, amp == std::string::npos ? std::string::npos : amp - from);
    if (!pair.empty() && PercentDecode(pair.substr(0, pair.find('='))) != name) {
      if (!out.empty()) out.push_back('&');
      out.append(pair);
    }
    if (amp == std::string::npos) break;
    from = amp + 1;
  }
  if (!out.empty()) out.push_back('&');
  return out + PercentEncode(name) + "=" + PercentEncode(value);
}

}  // namespace pipeline::exec
