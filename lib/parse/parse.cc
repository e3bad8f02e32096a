#include "pipeline/parse.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "parse/bitbucket_reader.h"
#include "parse/native_reader.h"
#include "parse/yaml_util.h"
#include "pipeline/errors.h"

namespace pipeline {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Format FormatForPath(const std::string& path) {
  return BaseName(path) == "bitbucket-pipelines.yml" ? Format::kBitbucket : Format::kNative;
}

std::string FindPipelineFile(const std::string& directory) {
  std::string names;
  for (const char* name : kPipelineFileNames) {
    std::string path = directory + "/" + name;
    struct stat info {};
    if (stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) return path;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  throw ParseError("no pipeline file in " + directory + " (looked for " + names +
                   "; name one with -f)");
}

Pipeline LoadPipeline(const std::string& path, const PipelineChoice& choice) {
  // A directory opens fine as a stream and reads as empty; say what it is instead.
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    throw ParseError(path + ": cannot read: it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ParseError(path + ": cannot read: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ParseError(path + ": cannot read: " + std::strerror(errno));
  return ParsePipeline(text.str(), path, choice);
}

Pipeline ParsePipeline(const std::string& yaml_text, const std::string& path,
                       const PipelineChoice& choice) {
  parse::YamlFile file(path);
  YAML::Node root = file.Load(yaml_text);
  if (FormatForPath(path) == Format::kBitbucket) {
    return parse::ReadBitbucketPipeline(root, file, choice);
  }
  return parse::ReadNativePipeline(root, file, choice);
}

}  // namespace pipeline
