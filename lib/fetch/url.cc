// A small RFC 3986 reader, enough for the include rules (url_rules.cc): no percent-decoding, no
// internationalised names; anything unusual is refused rather than guessed at.
#include "fetch/url.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>
#include <string>

#include "fetch/include_fetch.h"

namespace pipeline::fetch {
namespace {

[[noreturn]] void NotAUrl(const std::string& text, const std::string& why) {
  throw FetchRefused("'" + text + "' is not a URL (" + why + ")");
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void CheckCharacters(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c <= 0x20 || c >= 0x7f || std::strchr("<>\"{}|\\^`", c) != nullptr) {
      NotAUrl(text, "it holds a space, a control character or one of <>\"{}|\\^`");
    }
    if (c == '%' &&
        (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
         !std::isxdigit(static_cast<unsigned char>(text[i + 2])))) {
      NotAUrl(text, "a % not followed by two hex digits");
    }
  }
}

/// The scheme's length when `text` starts with one and its ':', else 0.
size_t SchemeLength(const std::string& text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return 0;
  for (size_t i = 1; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ':') return i;
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

void ParseAuthority(const std::string& text, const std::string& authority, Url& url) {
  std::string host_port = authority;
  size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    url.has_userinfo = true;
    url.userinfo = authority.substr(0, at);
    host_port = authority.substr(at + 1);
  }
  if (!host_port.empty() && host_port[0] == '[') {
    size_t close = host_port.find(']');
    if (close == std::string::npos) NotAUrl(text, "an IPv6 address without its ]");
    url.host = Lower(host_port.substr(1, close - 1));
    in6_addr address;
    if (inet_pton(AF_INET6, url.host.c_str(), &address) != 1) NotAUrl(text, "a bad IPv6 address");
    host_port = host_port.substr(close + 1);
    if (!host_port.empty() && host_port[0] != ':') NotAUrl(text, "text after the IPv6 address");
  } else {
    size_t colon = host_port.find(':');
    url.host = Lower(host_port.substr(0, colon));
    host_port = colon == std::string::npos ? "" : host_port.substr(colon);
    for (char c : url.host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
        NotAUrl(text, "the host may hold only letters, digits, '-', '.' and '_'");
      }
    }
  }
  if (host_port.empty()) return;
  url.port = host_port.substr(1);
  if (url.port.empty()) return;  // "host:" is the default port (RFC 3986 section 3.2.3)
  if (url.port.size() > 5 || url.port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(url.port) < 1 || std::stoi(url.port) > 65535) {
    NotAUrl(text, "the port must be a number from 1 to 65535");
  }
}

/// RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string in) {
  std::string out;
  while (!in.empty()) {
    if (in.rfind("../", 0) == 0) {
      in.erase(0, 3);
    } else if (in.rfind("./", 0) == 0) {
      in.erase(0, 2);
    } else if (in.rfind("/./", 0) == 0 || in == "/.") {
      in.replace(0, in == "/." ? 2 : 3, "/");
    } else if (in.rfind("/../", 0) == 0 || in == "/..") {
      in.replace(0, in == "/.." ? 3 : 4, "/");
      size_t last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in.clear();
    } else {
      size_t next = in.find('/', 1);
      out += in.substr(0, next);
      in.erase(0, next == std::string::npos ? in.size() : next);
    }
  }
  return out;
}

}  // namespace

Url ParseUrl(const std::string& text) {
  CheckCharacters(text);
  Url url;
  size_t scheme = SchemeLength(text);
  std::string rest = text.substr(scheme == 0 ? 0 : scheme + 1);
  url.scheme = Lower(text.substr(0, scheme));
  rest = rest.substr(0, rest.find('#'));
  size_t question = rest.find('?');
  if (question != std::string::npos) {
    url.has_query = true;
    url.query = rest.substr(question + 1);
    rest.erase(question);
  }
  if (rest.rfind("//", 0) == 0) {
    url.has_authority = true;
    size_t slash = rest.find('/', 2);
    ParseAuthority(text, rest.substr(2, slash == std::string::npos ? std::string::npos : slash - 2),
                   url);
    rest.erase(0, slash == std::string::npos ? rest.size() : slash);
  }
  url.path = rest;
  return url;
}

Url Resolve(const Url& base, const Url& reference) {
  Url target = reference;
  if (!reference.scheme.empty()) {
    target.path = RemoveDotSegments(reference.path);
    return target;
  }
  target.scheme = base.scheme;
  if (reference.has_authority) {
    target.path = RemoveDotSegments(reference.path);
    return target;
  }
  target.has_authority = base.has_authority;
  target.has_userinfo = base.has_userinfo;
  target.userinfo = base.userinfo;
  target.host = base.host;
  target.port = base.port;
  if (reference.path.empty()) {
    target.path = base.path;
    if (!reference.has_query) {
      target.has_query = base.has_query;
      target.query = base.query;
    }
  } else if (reference.path[0] == '/') {
    target.path = RemoveDotSegments(reference.path);
  } else if (base.has_authority && base.path.empty()) {
    target.path = RemoveDotSegments("/" + reference.path);
  } else {
    size_t slash = base.path.rfind('/');
    std::string directory = slash == std::string::npos ? "" : base.path.substr(0, slash + 1);
    target.path = RemoveDotSegments(directory + reference.path);
  }
  return target;
}

std::string ToString(const Url& url) {
  std::string text;
  if (!url.scheme.empty()) text = url.scheme + ":";
  if (url.has_authority) {
    text += "//";
    if (url.has_userinfo) text += url.userinfo + "@";
    text += url.host.find(':') == std::string::npos ? url.host : "[" + url.host + "]";
    if (!url.port.empty()) text += ":" + url.port;
  }
  text += url.path;
  if (url.has_query) text += "?" + url.query;
  return text;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace pipeline::fetch
