#include "parse/native_defaults.h"

#include <algorithm>

#include "model/spellcheck.h"
#include "parse/native_retry.h"
#include "parse/native_services.h"

namespace pipeline::parse {

const std::vector<std::string> kDefaultKeys = {
    "image", "before_script", "after_script",  "timeout", "artifacts", "retry",   "services",
    "cache", "tags",          "interruptible", "hooks",   "id_tokens", "identity"};

const char kEntrypointWarning[] =
    "an image 'entrypoint' is not used: jobs run their script with /bin/sh";

namespace {

/// Reads the inheritable keys of `map` into `defaults`; `prefix` is "" for the top level and
/// "default:" for the `default:` section, where timeout, artifacts and retry may also be set.
void ReadSection(const YAML::Node& map, const std::string& prefix, const YamlFile& file,
                 ReferenceResolver& references, WarningList& warnings, Defaults& defaults) {
  auto value = [&](const std::string& key) {
    YAML::Node found = FindKey(map, key).value;
    return found ? references.Resolve(found) : found;
  };
  if (YAML::Node image = value("image")) {
    defaults.image = ReadImage(image, file, {"", prefix + "image"});
    if (defaults.image->custom_entrypoint) warnings.Add(image, kEntrypointWarning);
  }
  if (YAML::Node before = value("before_script")) {
    defaults.before_script =
        file.StringList(before, FieldName{"", prefix + "before_script"}.Text());
  }
  if (YAML::Node after = value("after_script")) {
    defaults.after_script = file.StringList(after, FieldName{"", prefix + "after_script"}.Text());
  }
  if (YAML::Node services = value("services")) {
    defaults.services = ReadGitLabServices(services, file, {"", prefix + "services"}, warnings);
  }
  if (YAML::Node cache = value("cache")) {
    defaults.caches = ReadGitLabCache(cache, file, {"", prefix + "cache"}, warnings);
  }
  if (prefix.empty()) return;
  if (YAML::Node timeout = value("timeout")) {
    defaults.timeout = ReadTimeout(timeout, file, {"", prefix + "timeout"});
  }
  if (YAML::Node artifacts = value("artifacts")) {
    defaults.artifacts = ReadArtifactPaths(artifacts, file, {"", prefix + "artifacts"});
  }
  if (YAML::Node retry = value("retry")) {
    defaults.retry = ReadRetry(retry, file, {"", prefix + "retry"});
  }
}

}  // namespace

Defaults ReadDefaults(const YAML::Node& root, const YamlFile& file, ReferenceResolver& references,
                      WarningList& warnings) {
  Defaults defaults;
  ReadSection(root, "", file, references, warnings, defaults);
  if (YAML::Node section = FindKey(root, "default").value) {
    section.reset(references.Resolve(section));
    file.ExpectMap(section, "'default'");
    file.CheckKeys(section, kDefaultKeys, "'default'");
    ReadSection(section, "default:", file, references, warnings, defaults);
  }
  return defaults;
}

Inherit Inherit::Read(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                      WarningList& warnings) {
  Inherit inherit;
  if (!node) return inherit;
  file.ExpectMap(node, field.Text());
  file.CheckKeys(node, {"default", "variables"}, field.Text());
  if (YAML::Node defaults = node["default"]) {
    std::string what = field.Sub("default").Text();
    if (defaults.IsSequence()) {
      inherit.all_ = false;
      for (const std::string& key : file.StringList(defaults, what)) {
        if (std::find(kDefaultKeys.begin(), kDefaultKeys.end(), key) == kDefaultKeys.end()) {
          file.Fail(defaults, what + ": '" + key + "' is not a default keyword" +
                                  DidYouMean(key, kDefaultKeys));
        }
        inherit.keys_.insert(key);
      }
    } else {
      inherit.all_ = file.Bool(defaults, what);
    }
  }
  if (YAML::Node variables = node["variables"]) {
    if (variables.IsSequence() || !file.Bool(variables, field.Sub("variables").Text())) {
      warnings.Add(variables,
                   "'inherit:variables' is not honoured: every job gets all of the file's "
                   "variables");
    }
  }
  return inherit;
}

}  // namespace pipeline::parse
