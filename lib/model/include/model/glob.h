#ifndef PIPELINE_MODEL_GLOB_H_
#define PIPELINE_MODEL_GLOB_H_

#include <string>

namespace pipeline {

/// Matches a path against a CI-style glob: `*` and `?` stay within one path segment, `**` spans
/// any number of segments (`dist/**` matches everything below dist, `**/*.xml` any .xml),
/// `{a,b}` picks one of the alternatives, `[abc]` one character. The whole path must match.
bool GlobMatch(const std::string& pattern, const std::string& path);

}  // namespace pipeline

#endif  // PIPELINE_MODEL_GLOB_H_
