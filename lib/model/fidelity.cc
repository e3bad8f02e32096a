// The names of the differences `validate --strict` lists (pipeline/fidelity.h).
#include "pipeline/fidelity.h"

#include <iterator>

#include "model/enum_names.h"

namespace pipeline {

using Kind = Difference::Kind;

bool Difference::operator==(const Difference& other) const {
  return kind == other.kind && where == other.where && key == other.key && text == other.text;
}

namespace {

constexpr const char* kKindNames[] = {"not honoured", "warned", "emulated", "limit"};
static_assert(std::size(kKindNames) == static_cast<size_t>(Kind::kLimit) + 1);

}  // namespace

const char* KindName(Difference::Kind kind) { return EnumName(kind, kKindNames, "warned"); }

std::string CloudName(const Pipeline& pipeline) {
  return pipeline.format == Format::kBitbucket ? "Bitbucket Pipelines" : "GitLab CI/CD";
}

}  // namespace pipeline
