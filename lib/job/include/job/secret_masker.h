#ifndef PIPELINE_JOB_SECRET_MASKER_H_
#define PIPELINE_JOB_SECRET_MASKER_H_

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/run.h"

namespace pipeline::exec {

/// Replaces every appearance of a secret in a text with "***". Each secret is looked for as
/// written, as each line of a multi-line value, base64-encoded and URL-encoded. Matches may
/// overlap one another or themselves ("aab" in "aaab"): every byte some match covers is hidden,
/// and a run of hidden bytes becomes one "***".
class SecretMasker {
 public:
  static constexpr size_t kMinimumLength = RunOptions::kMinimumSecretLength;

  /// Values shorter than kMinimumLength are refused by the front end; here they are ignored, so a
  /// short value never turns every "a" of the output into "***".
  explicit SecretMasker(const std::vector<std::string>& secrets);

  std::string Mask(std::string_view text) const;
  bool empty() const { return needles_.empty(); }

 private:
  std::vector<std::string> needles_;
};

/// Standard base64 (with padding) of `data`.
std::string Base64(std::string_view data);

}  // namespace pipeline::exec

#endif  // PIPELINE_JOB_SECRET_MASKER_H_
