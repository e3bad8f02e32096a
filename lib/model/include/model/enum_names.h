#ifndef PIPELINE_MODEL_ENUM_NAMES_H_
#define PIPELINE_MODEL_ENUM_NAMES_H_

#include <cstddef>

namespace pipeline {

/// The name of `value` in `names`, a table in the enum's declaration order (keep a
/// static_assert on its size beside it); `fallback` for a value outside the table, such as one
/// cast from a number read back from a file.
template <typename Enum, size_t N>
constexpr const char* EnumName(Enum value, const char* const (&names)[N], const char* fallback) {
  auto index = static_cast<size_t>(value);
  return index < N ? names[index] : fallback;
}

}  // namespace pipeline

#endif  // PIPELINE_MODEL_ENUM_NAMES_H_
