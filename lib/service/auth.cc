#include "service/auth.h"

#include <fstream>

#include "pipeline/errors.h"
#include "pipeline/service.h"

namespace pipeline::service {

bool TokenEquals(std::string_view a, std::string_view b) {
  // Every byte of the longer text is looked at whatever matches, and the lengths are folded in.
  size_t length = a.size() > b.size() ? a.size() : b.size();
  unsigned char differ = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < length; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    differ |= static_cast<unsigned char>(x ^ y);
  }
  return differ == 0;
}

bool BearerMatches(const std::string& header, const std::string& token) {
  const std::string scheme = "Bearer ";
  if (token.empty() || header.size() <= scheme.size()) return false;
  // The scheme is case-insensitive (RFC 7235); the token is not.
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i]))) {
      return false;
    }
  }
  return TokenEquals(std::string_view(header).substr(scheme.size()), token);
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // 127.x.y.z, written as four numbers.
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

void SplitListenAddress(const std::string& listen, std::string& host, int& port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    throw UsageError("--listen '" + listen + "': want ADDR:PORT, like 127.0.0.1:8080");
  }
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string digits = listen.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(digits) > 65535) {
    throw UsageError("--listen '" + listen + "': the port must be a number from 0 to 65535");
  }
  port = std::stoi(digits);
}

std::string LoadToken(const std::string& token_file, const std::string& env_token,
                      const std::string& flag, const std::string& env_name) {
  std::string token = env_token;
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) throw UsageError(flag + " " + token_file + ": cannot read it");
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  }
  if (!token.empty() && token.size() < 16) {
    throw UsageError((token_file.empty() ? env_name : flag) +
                     ": the token is too short (at least 16 characters; try `openssl rand -hex "
                     "32`)");
  }
  for (char c : token) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) {
      throw UsageError((token_file.empty() ? env_name : flag) +
                       ": the secret must be printable ASCII without spaces");
    }
  }
  return token;
}

}  // namespace pipeline::service
