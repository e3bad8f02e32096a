#include "parse/bitbucket_reader.h"

#include "pipeline/errors.h"

namespace pipeline::parse {

// A placeholder until the reader lands; it keeps the dispatch in parse.cc in place.
Pipeline ReadBitbucketPipeline(const YAML::Node& root, const YamlFile& file,
                               const PipelineChoice& choice) {
  throw ParseError(file.path() + ": the Bitbucket Pipelines reader is not available yet");
}

}  // namespace pipeline::parse
