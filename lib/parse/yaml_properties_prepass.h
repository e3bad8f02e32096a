#ifndef PIPELINE_PARSE_YAML_PROPERTIES_PREPASS_H_
#define PIPELINE_PARSE_YAML_PROPERTIES_PREPASS_H_

#include <optional>
#include <string>

namespace pipeline::parse {

/// yaml-cpp 0.7 refuses a multi-line plain scalar whose first line starts with an anchor or a tag
/// (`x:\n  &a foo\n  bar`, `- &a foo\n  bar`: "end of map/sequence not found"), which the YAML
/// spec and Bitbucket accept. This joins each such scalar onto its first line, as YAML folds it
/// (line breaks become spaces), and leaves its other lines empty, so every line and column that
/// errors name stays where it was. Block scalars (`|`, `>`) are left alone, and so is a scalar
/// whose folding one line cannot say (a blank line or a comment inside it, a `: ` that makes it
/// an error anyway). nullopt when there is nothing to join.
std::optional<std::string> JoinPropertyPlainScalars(const std::string& text);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_YAML_PROPERTIES_PREPASS_H_
