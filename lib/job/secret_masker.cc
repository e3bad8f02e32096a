#include "job/secret_masker.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace pipeline::exec {
namespace {

std::string UrlEncoded(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool plain = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void AddNeedle(std::vector<std::string>& needles, std::string needle) {
  if (needle.size() < SecretMasker::kMinimumLength) return;
  if (std::find(needles.begin(), needles.end(), needle) == needles.end()) {
    needles.push_back(std::move(needle));
  }
}

}  // namespace

std::string Base64(std::string_view data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (uint32_t{static_cast<unsigned char>(data[i])} << 16) |
                 (uint32_t{static_cast<unsigned char>(data[i + 1])} << 8) |
                 uint32_t{static_cast<unsigned char>(data[i + 2])};
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t n = uint32_t{static_cast<unsigned char>(data[i])} << 16;
    if (rest == 2) n |= uint32_t{static_cast<unsigned char>(data[i + 1])} << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

SecretMasker::SecretMasker(const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    AddNeedle(needles_, secret);
    AddNeedle(needles_, UrlEncoded(secret));
    std::string encoded = Base64(secret);
    // Base64 of a value inside a longer text starts on any of three alignments; the unpadded
    // core is what appears whatever follows it.
    while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
    if (encoded.size() > 4) encoded.resize(encoded.size() - (secret.size() % 3 == 0 ? 0 : 1));
    AddNeedle(needles_, encoded);
    size_t start = 0;
    while (start <= secret.size()) {
      size_t end = secret.find('\n', start);
      if (end == std::string::npos) end = secret.size();
      std::string line = secret.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() != secret.size()) AddNeedle(needles_, line);
      start = end + 1;
    }
  }
}

std::string SecretMasker::Mask(std::string_view text) const {
  if (needles_.empty() || text.empty()) return std::string(text);
  std::vector<bool> hidden(text.size(), false);
  bool any = false;
  for (const std::string& needle : needles_) {
    // Every start position, so overlapping and self-overlapping matches are all found.
    for (size_t at = text.find(needle); at != std::string_view::npos;
         at = text.find(needle, at + 1)) {
      std::fill(hidden.begin() + static_cast<long>(at),
                hidden.begin() + static_cast<long>(at + needle.size()), true);
      any = true;
    }
  }
  if (!any) return std::string(text);
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!hidden[i]) {
      out.push_back(text[i]);
    } else if (i == 0 || !hidden[i - 1]) {
      out += "***";
    }
  }
  return out;
}

}  // namespace pipeline::exec

namespace pipeline {

std::string RunOptions::SecretValueProblem(const std::string& value) {
  const std::string minimum = std::to_string(kMinimumSecretLength);
  if (value.size() < kMinimumSecretLength) {
    return "is " + std::to_string(value.size()) + " characters long; secrets shorter than " +
           minimum + " cannot be masked reliably, so they are refused";
  }
  if (value.find('\n') == std::string::npos) return "";
  // The masker sees one line of output at a time, without the "\r" before a newline; only the
  // lines it hides keep the value as a whole out of the output.
  for (size_t start = 0; start <= value.size();) {
    size_t end = std::min(value.find('\n', start), value.size());
    size_t length = end - start;
    if (length > 0 && value[end - 1] == '\r') --length;
    if (length >= kMinimumSecretLength) return "";
    start = end + 1;
  }
  return "spans lines none of which is " + minimum +
         " characters long; output is masked line by line, so it cannot be masked reliably and " +
         "is refused";
}

}  // namespace pipeline
