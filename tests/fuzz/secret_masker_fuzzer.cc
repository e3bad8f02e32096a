// A job's output path as the runner builds it (job_executor.cc): chunks of a stream, cut at
// fuzz-chosen points, go through a LineSplitter and every line through the SecretMasker.
// Input: up to three secrets (FuzzedDataProvider strings), then a split pattern and the stream
// (fuzz_chunks.h). Checked, for every secret the front end accepts (RunOptions::
// SecretValueProblem: 8+ bytes, and a line that long when it spans lines):
//   - no form the masker promises to hide appears in the joined output: the value, each of its
//     lines of 8+ bytes, its base64 and its URL encoding;
//   - a line that shares no 8 bytes with any of those forms comes out unchanged, so with no
//     secret in the input the output equals it;
//   - the lines do not depend on the chunking.
// Values containing '*' are masked but not checked: "***" next to other text can spell them.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "job/line_splitter.h"
#include "job/secret_masker.h"
#include "fuzz_chunks.h"

namespace {

using pipeline::exec::SecretMasker;

constexpr size_t kMin = SecretMasker::kMinimumLength;

/// Written again here rather than taken from the masker, so a bug in its encoding cannot hide
/// itself: the fuzzer checks the masker against an oracle of its own.
std::string UrlEncodedForm(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~';
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

/// The forms of `secret` that must never reach the output.
std::vector<std::string> PromisedForms(const std::string& secret) {
  std::vector<std::string> forms = {secret, UrlEncodedForm(secret), pipeline::exec::Base64(secret)};
  for (size_t start = 0; start <= secret.size();) {
    size_t end = secret.find('\n', start);
    if (end == std::string::npos) end = secret.size();
    std::string line = secret.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() >= kMin) forms.push_back(line);
    start = end + 1;
  }
  return forms;
}

bool SharesEightBytes(std::string_view line, const std::vector<std::string>& forms) {
  for (const std::string& form : forms) {
    for (size_t at = 0; at + kMin <= form.size(); ++at) {
      if (line.find(std::string_view(form).substr(at, kMin)) != std::string_view::npos) return true;
    }
  }
  return false;
}

std::vector<std::string> Lines(const std::vector<std::string_view>& chunks) {
  std::vector<std::string> lines;
  pipeline::exec::LineSplitter splitter(
      [&lines](std::string_view line) { lines.emplace_back(line); });
  for (std::string_view chunk : chunks) splitter.Feed(chunk);
  splitter.Flush();
  return lines;
}

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::string escaped;
  for (unsigned char c : detail) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "\\x%02x", c);
    escaped += c >= 0x20 && c < 0x7f && c != '\\' ? std::string(1, static_cast<char>(c)) : hex;
  }
  std::fprintf(stderr, "secret_masker_fuzzer: %s: \"%s\"\n", what, escaped.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  std::vector<std::string> secrets;
  for (int count = provider.ConsumeIntegralInRange(0, 3); count > 0; --count) {
    secrets.push_back(provider.ConsumeRandomLengthString(64));
  }
  std::vector<uint8_t> rest = provider.ConsumeRemainingBytes<uint8_t>();
  std::vector<std::string_view> chunks = pipeline::fuzz::SplitByPattern(rest.data(), rest.size());

  std::vector<std::string> raw = Lines(chunks);
  std::string whole;
  for (std::string_view chunk : chunks) whole.append(chunk);
  if (raw != Lines({whole})) Fail("lines depend on the chunking", whole);

  // Only what the front end accepts reaches the masker (cmd/commands.cc AddSecrets).
  std::vector<std::string> accepted;
  for (const std::string& secret : secrets) {
    if (pipeline::RunOptions::SecretValueProblem(secret).empty()) accepted.push_back(secret);
  }
  SecretMasker masker(accepted);
  std::vector<std::string> forms;
  std::vector<std::string> checked;
  for (const std::string& secret : accepted) {
    std::vector<std::string> more = PromisedForms(secret);
    forms.insert(forms.end(), more.begin(), more.end());
    if (secret.find('*') == std::string::npos)
      checked.insert(checked.end(), more.begin(), more.end());
  }

  std::string output;
  for (const std::string& line : raw) {
    std::string masked = masker.Mask(line);
    if (!SharesEightBytes(line, forms) && masked != line)
      Fail("changed a line without a secret", line);
    output += masked;
    output += '\n';
  }
  for (const std::string& form : checked) {
    if (output.find(form) != std::string::npos) Fail("secret in the output", form);
  }
  return 0;
}
