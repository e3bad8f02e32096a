// Settings for how the cloud fetches the repository and where it runs a step: checked, and warned
// about where a local run differs (steps always get the files of the run's snapshot).
#include "parse/bitbucket_clone.h"

#include <vector>

namespace pipeline::parse {
namespace {

const std::vector<std::string> kCloneKeys = {
    "depth", "enabled", "lfs", "filter", "skip-ssl-verify", "sparse-checkout", "strategy", "tags"};

}  // namespace

void ReadClone(const YAML::Node& node, const std::string& what, const YamlFile& file,
               WarningList& warnings) {
  if (!node.IsMap()) file.Fail(node, what + " must be a map (depth, enabled, lfs, ...)");
  file.CheckKeys(node, kCloneKeys, what);
  if (YAML::Node depth = node["depth"]) {
    if (!(depth.IsScalar() && depth.Scalar() == "full")) {
      long value = file.Integer(depth, what + ": 'depth'");
      if (value < 1) file.Fail(depth, what + ": 'depth' must be at least 1, or 'full'");
    }
  }
  for (const char* key : {"tags", "skip-ssl-verify"}) {
    if (node[key]) file.Bool(node[key], what + ": '" + key + "'");
  }
  if (node["filter"]) file.Scalar(node["filter"], what + ": 'filter'");
  if (YAML::Node strategy = node["strategy"]) {
    std::string text = file.Scalar(strategy, what + ": 'strategy'");
    if (text != "clone" && text != "fetch") {
      file.Fail(strategy, what + ": 'strategy' must be clone or fetch, not '" + text + "'");
    }
  }
  if (node["enabled"] && !file.Bool(node["enabled"], what + ": 'enabled'")) {
    warnings.Add(node["enabled"],
                 "'clone: enabled: false' is not honoured locally: steps get "
                 "the repository's files anyway");
  }
  if (node["lfs"] && file.Bool(node["lfs"], what + ": 'lfs'")) {
    warnings.Add(node["lfs"],
                 "'clone: lfs' is not honoured locally: LFS files are not "
                 "downloaded, steps see what your repository has");
  }
  if (YAML::Node sparse = node["sparse-checkout"]) {
    if (!sparse.IsMap()) file.Fail(sparse, what + ": 'sparse-checkout' must be a map");
    file.CheckKeys(sparse, {"cone-mode", "enabled", "patterns"}, what + ": 'sparse-checkout'");
    for (const char* key : {"cone-mode", "enabled"}) {
      if (sparse[key]) file.Bool(sparse[key], what + ": 'sparse-checkout: " + key + "'");
    }
    if (sparse["patterns"]) file.StringList(sparse["patterns"], what + ": 'patterns'");
    warnings.Add(sparse, "'clone: sparse-checkout' is not honoured locally: steps get every file");
  }
}

void ReadRuntime(const YAML::Node& node, const std::string& what, const YamlFile& file,
                 WarningList& warnings) {
  if (!node.IsMap()) file.Fail(node, what + " must be a map with 'cloud'");
  file.CheckKeys(node, {"cloud"}, what);
  if (YAML::Node cloud = node["cloud"]) {
    if (!cloud.IsMap()) file.Fail(cloud, what + ": 'cloud' must be a map");
    file.CheckKeys(cloud, {"atlassian-ip-ranges", "version", "arch"}, what + ": 'cloud'");
    if (YAML::Node arch = cloud["arch"]) {
      std::string name = file.Scalar(arch, what + ": 'arch'");
      if (name != "x86" && name != "arm") {
        file.Fail(arch, what + ": 'arch' must be x86 or arm, not '" + name + "'");
      }
      // The step's image runs for the daemon's platform; an arm step on an x86 daemon (or the
      // reverse) would need emulation, which is the daemon's business.
      warnings.Add(arch,
                   "'runtime: cloud: arch' is not honoured locally: steps run on your "
                   "docker daemon's architecture");
    }
    if (cloud["atlassian-ip-ranges"]) {
      file.Bool(cloud["atlassian-ip-ranges"], what + ": 'atlassian-ip-ranges'");
    }
    if (cloud["version"]) file.Scalar(cloud["version"], what + ": 'version'");
  }
}

}  // namespace pipeline::parse
