#ifndef PIPELINE_PARSE_NATIVE_DEFAULTS_H_
#define PIPELINE_PARSE_NATIVE_DEFAULTS_H_

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "parse/bitbucket_warnings.h"
#include "parse/native_fields.h"
#include "parse/references.h"
#include "parse/yaml_util.h"

namespace pipeline::parse {

/// The keys `default:` may hold (GitLab's list); those not in Defaults are accepted and unused.
extern const std::vector<std::string> kDefaultKeys;

/// Warnings shared by defaults and jobs.
extern const char kEntrypointWarning[];

/// What jobs inherit from `default:` and from the old top-level globals.
struct Defaults {
  std::optional<ImageRef> image;
  std::optional<std::vector<std::string>> before_script;
  std::optional<std::vector<std::string>> after_script;
  std::optional<std::chrono::seconds> timeout;
  std::optional<std::vector<std::string>> artifacts;
  std::optional<RetryPolicy> retry;
  std::optional<std::vector<Service>> services;
  std::optional<std::vector<CacheSpec>> caches;
};

/// Reads the file's defaults: first the old globals (top-level `image`, `before_script`,
/// `after_script`, `services`), then `default:` over them, as GitLab lets `default:` win.
Defaults ReadDefaults(const YAML::Node& root, const YamlFile& file, ReferenceResolver& references,
                      WarningList& warnings);

/// A job's `inherit:default`: true, false or the list of default keys it takes.
class Inherit {
 public:
  /// Reads `inherit:` (undefined: inherit everything); `variables` other than true is warned
  /// about, since pipeline variables cannot be withheld from one job in the model.
  static Inherit Read(const YAML::Node& node, const YamlFile& file, const FieldName& field,
                      WarningList& warnings);

  /// Whether the job takes the default `key` ("image", "before_script", ...).
  bool Takes(const std::string& key) const { return all_ || keys_.count(key) != 0; }

 private:
  bool all_ = true;
  std::set<std::string> keys_;
};

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_NATIVE_DEFAULTS_H_
