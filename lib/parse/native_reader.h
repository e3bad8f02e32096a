#ifndef PIPELINE_PARSE_NATIVE_READER_H_
#define PIPELINE_PARSE_NATIVE_READER_H_

#include <yaml-cpp/yaml.h>

#include "parse/yaml_util.h"
#include "pipeline/model.h"
#include "pipeline/parse.h"

namespace pipeline::parse {

/// Reads the native format, GitLab CI's (docs/native-format.md), from a loaded document: the
/// jobs GitLab would run for the choice's branch or tag after `workflow`, `rules` and
/// `only`/`except`.
Pipeline ReadNativePipeline(const YAML::Node& root, const YamlFile& file,
                            const PipelineChoice& choice = {});

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_NATIVE_READER_H_
