#ifndef PIPELINE_PARSE_BITBUCKET_IMAGE_H_
#define PIPELINE_PARSE_BITBUCKET_IMAGE_H_

#include <yaml-cpp/yaml.h>

#include <string>

#include "parse/bitbucket_warnings.h"
#include "parse/yaml_util.h"

namespace pipeline::parse {

/// The cloud's image for steps when the file names none.
inline constexpr const char* kBitbucketDefaultImage = "atlassian/default-image:latest";

/// The image name of a Bitbucket `image` value: a string, or a map with `name` plus credentials
/// (`username`/`password`/`email`, `aws`), which are checked and warned about (locally the image
/// is pulled with the user's own docker login), and `run-as-user`, which is checked.
std::string ReadBitbucketImage(const YAML::Node& node, const std::string& what,
                               const YamlFile& file, WarningList& warnings);

/// The `run-as-user` uid of an `image` value that ReadBitbucketImage accepted, as text; empty
/// when it has none (the image's own user).
std::string RunAsUserOf(const YAML::Node& image);

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_BITBUCKET_IMAGE_H_
