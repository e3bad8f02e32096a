#ifndef PIPELINE_PARSE_BITBUCKET_READER_H_
#define PIPELINE_PARSE_BITBUCKET_READER_H_

#include <yaml-cpp/yaml.h>

#include "parse/yaml_util.h"
#include "pipeline/model.h"
#include "pipeline/parse.h"

namespace pipeline::parse {

/// Reads bitbucket-pipelines.yml and returns the pipeline `choice` selects (docs/bitbucket.md).
Pipeline ReadBitbucketPipeline(const YAML::Node& root, const YamlFile& file,
                               const PipelineChoice& choice);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_READER_H_
