#ifndef PIPELINE_FIDELITY_H_
#define PIPELINE_FIDELITY_H_

#include <string>
#include <vector>

#include "pipeline/model.h"

namespace pipeline {

/// One way a local run of a pipeline differs from the CI service the file was written for
/// (`validate --strict`).
struct Difference {
  enum class Kind {
    kNotHonoured,  ///< accepted, but nothing happens locally
    kWarned,       ///< the reader warned about it (it runs, differently)
    kEmulated,     ///< done here another way (how is in `text`)
    kLimit,        ///< a limit or an identity that differs (size, memory, runner labels, OIDC)
  };
  Kind kind = Kind::kWarned;
  std::string where;  ///< "file:line", or the file alone
  std::string key;    ///< the key concerned, as written ("services", "clone: lfs"); may be empty
  std::string text;   ///< what happens here instead

  bool operator==(const Difference& other) const;
};

/// "not honoured", "warned", "emulated", "limit".
const char* KindName(Difference::Kind kind);

/// Every difference of `pipeline`, read from `yaml_text` (the file's text, for keys the reader
/// accepts silently): its warnings, classified, then the keys it accepts without honouring,
/// then what is emulated and the limits, each kind of message once, at its first place. Sorted by
/// kind, then by place in the file.
std::vector<Difference> FindDifferences(const Pipeline& pipeline, const std::string& yaml_text);

/// "Bitbucket Pipelines" or "GitLab CI/CD", as the file's format and name say.
std::string CloudName(const Pipeline& pipeline);

/// The list for people: a heading with the count, then one line per difference.
std::string RenderDifferencesText(const Pipeline& pipeline,
                                  const std::vector<Difference>& differences);

/// {"file", "cloud", "count", "differences": [{"kind", "where", "key", "text"}]}.
std::string RenderDifferencesJson(const Pipeline& pipeline,
                                  const std::vector<Difference>& differences);

}  // namespace pipeline

#endif  // PIPELINE_FIDELITY_H_
