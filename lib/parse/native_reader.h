#ifndef PIPELINE_PARSE_NATIVE_READER_H_
#define PIPELINE_PARSE_NATIVE_READER_H_

#include <yaml-cpp/yaml.h>

#include "parse/yaml_util.h"
#include "pipeline/model.h"

namespace pipeline::parse {

/// Reads the native format, a GitLab-CI subset (docs/native-format.md), from a loaded document.
Pipeline ReadNativePipeline(const YAML::Node& root, const YamlFile& file);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_NATIVE_READER_H_
