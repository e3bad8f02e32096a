// The names of the differences `validate --strict` lists (pipeline/fidelity.h).
#include "pipeline/fidelity.h"

namespace pipeline {

using Kind = Difference::Kind;

bool Difference::operator==(const Difference& other) const {
  return kind == other.kind && where == other.where && key == other.key && text == other.text;
}

const char* KindName(Difference::Kind kind) {
  switch (kind) {
    case Kind::kNotHonoured:
      return "not honoured";
    case Kind::kWarned:
      return "warned";
    case Kind::kEmulated:
      return "emulated";
    case Kind::kLimit:
      return "limit";
  }
  return "warned";
}

std::string CloudName(const Pipeline& pipeline) {
  return pipeline.format == Format::kBitbucket ? "Bitbucket Pipelines" : "GitLab CI/CD";
}

}  // namespace pipeline
