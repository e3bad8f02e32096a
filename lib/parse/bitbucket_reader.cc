// bitbucket-pipelines.yml to the model: the top level and the choice of pipeline here; steps,
// items, definitions, images, scripts and the branch patterns each in their own bitbucket_* file.
#include "parse/bitbucket_reader.h"

#include <algorithm>

#include "model/spellcheck.h"
#include "parse/bitbucket_clone.h"
#include "parse/bitbucket_definitions.h"
#include "parse/bitbucket_image.h"
#include "parse/bitbucket_items.h"
#include "parse/bitbucket_selection.h"
#include "parse/bitbucket_steps.h"
#include "parse/bitbucket_warnings.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

const std::vector<std::string> kTopLevelKeys = {"image",     "clone",  "options", "definitions",
                                                "pipelines", "labels", "export"};
const std::vector<std::string> kPipelineKinds = {"default", "branches", "tags", "pull-requests",
                                                 "custom"};

/// One pipeline of the file, read; or, for forms we cannot run, why (said only if it is chosen).
struct FilePipeline {
  std::string name;
  BitbucketPipelineBody body;
  std::vector<std::string> warnings;
  std::string unsupported;
};

/// The key node of `key` in `map`, for errors about a value that may be null.
YAML::Node KeyOf(const YAML::Node& map, const std::string& key) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->first;
  }
  return map;
}

void AddOnce(std::vector<std::string>& lines, const std::string& line) {
  if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
}

/// "custom/deploy" -> "deploy".
std::string Short(const std::string& name) { return name.substr(name.find('/') + 1); }

class BitbucketReader {
 public:
  BitbucketReader(const YAML::Node& root, const YamlFile& file)
      : root_(root), file_(file), warnings_(file) {}

  Pipeline Read(const PipelineChoice& choice) {
    if (!root_.IsDefined() || root_.IsNull()) {
      throw ParseError(file_.path() + ": the file is empty; it needs 'pipelines'");
    }
    if (!root_.IsMap()) file_.Fail(root_, "the top level must be a map with 'pipelines'");
    CheckTopLevelKeys();
    ReadTopLevel();
    ReadPipelines();

    Pipeline pipeline;
    pipeline.file = file_.path();
    pipeline.format = Format::kBitbucket;
    for (const FilePipeline& candidate : pipelines_) {
      pipeline.available.push_back(candidate.name);
      pipeline.entries.push_back({candidate.name, candidate.body.jobs, candidate.unsupported});
    }
    pipeline.warnings = warnings_.lines();
    std::string where = file_.Where(KeyOf(root_, "pipelines")).ToString();
    BitbucketSelection selection = SelectBitbucketPipeline(pipeline.available, choice, where);
    // The chosen pipeline's warnings; every pipeline's when none runs (validate judges them all).
    for (const FilePipeline& candidate : pipelines_) {
      if (!selection.name.empty() && candidate.name != selection.name) continue;
      for (const std::string& line : candidate.warnings) AddOnce(pipeline.warnings, line);
    }
    if (selection.name.empty()) {
      pipeline.nothing_to_run = selection.nothing_runs;
      return pipeline;
    }
    const FilePipeline& chosen = *std::find_if(
        pipelines_.begin(), pipelines_.end(),
        [&](const FilePipeline& candidate) { return candidate.name == selection.name; });
    if (!chosen.unsupported.empty()) throw ParseError(chosen.unsupported);

    pipeline.selected = selection.name;
    pipeline.stages = chosen.body.stages;
    pipeline.jobs = chosen.body.jobs;
    pipeline.variables = CustomValues(chosen, choice);
    for (const std::string& line : unused_variable_warnings_) pipeline.warnings.push_back(line);
    return pipeline;
  }

 private:
  /// Any other top-level key is accepted, as Atlassian's schema does: files keep their anchors
  /// there (`x-common: &c`, `stepdefinitions:`). Warned about only when it looks like a mistake:
  /// a pipeline kind outside `pipelines`, or a near miss of a key that means something.
  void CheckTopLevelKeys() {
    std::vector<std::string> keys = kTopLevelKeys;
    for (auto it = root_.begin(); it != root_.end(); ++it) {
      std::string key = file_.Scalar(it->first, "a top-level key");
      if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) != kTopLevelKeys.end()) {
        continue;
      }
      keys.push_back(key);
      if (std::find(kPipelineKinds.begin(), kPipelineKinds.end(), key) != kPipelineKinds.end()) {
        warnings_.Add(it->first, "'" + key +
                                     "' at the top level is not a pipeline, only a holder of "
                                     "YAML anchors: pipelines go under 'pipelines:'");
        continue;
      }
      std::string near = DidYouMean(key, kTopLevelKeys);
      if (!near.empty() && key != "pipeline") {
        warnings_.Add(it->first, "the top-level key '" + key +
                                     "' means nothing to Bitbucket and is ignored" + near);
      }
    }
    file_.CheckKeys(root_, keys, "the top level");  // duplicates only
  }

  void ReadTopLevel() {
    if (YAML::Node image = root_["image"]) {
      defaults_.image = ReadBitbucketImage(image, "'image'", file_, warnings_);
      defaults_.run_as_user = RunAsUserOf(image);
    }
    if (YAML::Node clone = root_["clone"]) ReadClone(clone, "'clone'", file_, warnings_);
    if (YAML::Node options = root_["options"]) {
      if (!options.IsMap()) file_.Fail(options, "'options' must be a map");
      file_.CheckKeys(options, {"max-time", "size", "docker", "runtime", "runs-on"}, "'options'");
      if (options["max-time"]) {
        defaults_.max_time_minutes = ReadMaxTime(options["max-time"], "'options: max-time'", file_);
      }
      if (options["size"]) defaults_.size = ReadStepSize(options["size"], "'options: size'", file_);
      if (options["docker"]) defaults_.docker = file_.Bool(options["docker"], "'options: docker'");
      if (options["runtime"]) {
        ReadRuntime(options["runtime"], "'options: runtime'", file_, warnings_);
      }
      if (options["runs-on"]) {
        defaults_.runner_labels = ReadRunsOn(options["runs-on"], "'options'", file_, warnings_);
      }
    }
    if (YAML::Node labels = root_["labels"]) {
      if (!labels.IsMap() && !labels.IsNull()) file_.Fail(labels, "'labels' must be a map");
    }
    if (YAML::Node exported = root_["export"]) file_.Bool(exported, "'export'");
    definitions_ = ReadBitbucketDefinitions(root_["definitions"], file_, warnings_);
  }

  void ReadPipelines() {
    YAML::Node pipelines = root_["pipelines"];
    if (!pipelines) {
      for (auto it = root_.begin(); it != root_.end(); ++it) {
        std::string near = DidYouMean(it->first.Scalar(), {"pipelines"});
        if (!near.empty()) {
          file_.Fail(it->first, "no 'pipelines': the file needs at least one pipeline; '" +
                                    it->first.Scalar() + "' is not it" + near);
        }
      }
      file_.Fail(root_, "no 'pipelines': the file needs at least one pipeline");
    }
    YAML::Node key = KeyOf(root_, "pipelines");
    if (pipelines.IsNull() || (pipelines.IsMap() && pipelines.size() == 0)) {
      file_.Fail(key,
                 "'pipelines' is empty: it needs 'default', 'branches', 'tags', "
                 "'pull-requests' or 'custom' (check the indentation)");
    }
    if (!pipelines.IsMap()) {
      file_.Fail(pipelines,
                 "'pipelines' must be a map of default, branches, tags, "
                 "pull-requests and custom");
    }
    file_.CheckKeys(pipelines, kPipelineKinds, "'pipelines'");
    for (auto it = pipelines.begin(); it != pipelines.end(); ++it) {
      std::string kind = it->first.Scalar();
      YAML::Node kind_key = it->first;
      YAML::Node value = it->second;
      if (kind == "default") {
        Add("default", value);
        continue;
      }
      if (value.IsNull() || (value.IsMap() && value.size() == 0)) {
        file_.Fail(kind_key, "'" + kind + "' is empty: it needs a pattern or name with steps");
      }
      if (!value.IsMap()) {
        file_.Fail(value, "'" + kind + "' must be a map of " +
                              (kind == "custom" ? "name" : "pattern") + ": steps");
      }
      std::vector<std::string> patterns;
      for (auto entry = value.begin(); entry != value.end(); ++entry) {
        patterns.push_back(file_.Scalar(entry->first, "a name in '" + kind + "'"));
      }
      file_.CheckKeys(value, patterns, "'" + kind + "'");  // duplicates only
      for (auto entry = value.begin(); entry != value.end(); ++entry) {
        std::string pattern = entry->first.Scalar();
        if (pattern.empty()) file_.Fail(entry->first, "'" + kind + "': an empty name");
        Add(kind + "/" + pattern, entry->second);
      }
    }
  }

  void Add(const std::string& name, const YAML::Node& items) {
    FilePipeline pipeline;
    pipeline.name = name;
    if (items.IsMap() && items["import"]) {
      file_.CheckKeys(items, {"import"}, "pipeline '" + name + "'");
      std::string source = file_.Scalar(items["import"], "pipeline '" + name + "': 'import'");
      if (std::count(source.begin(), source.end(), ':') != 2) {
        file_.Fail(items["import"], "pipeline '" + name + "': 'import' must be " +
                                        "REPOSITORY:BRANCH-OR-TAG:PIPELINE, not '" + source + "'");
      }
      pipeline.unsupported = file_.Where(items["import"]).ToString() + ": pipeline '" + name +
                             "' imports '" + source +
                             "' from another repository, which cannot be run locally: run it in "
                             "that repository, or copy its steps here";
      warnings_.Add(items["import"], "pipeline '" + name + "' imports '" + source +
                                         "' from another repository: listed, but it cannot be "
                                         "run locally");
    } else if (items.IsMap() && items["destinations"] && name.rfind("pull-requests/", 0) == 0) {
      file_.CheckKeys(items, {"destinations"}, "pipeline '" + name + "'");
      pipeline.unsupported = file_.Where(items["destinations"]).ToString() + ": pipeline '" + name +
                             "': 'destinations' is not supported locally yet";
    } else {
      WarningList warnings(file_);
      StepContext context{file_, definitions_, defaults_, warnings};
      pipeline.body = ReadBitbucketItems(items, name, context);
      pipeline.warnings = warnings.lines();
    }
    pipelines_.push_back(std::move(pipeline));
  }

  /// The values of a custom pipeline's `variables`: --var, else the default.
  EnvVars CustomValues(const FilePipeline& chosen, const PipelineChoice& choice) {
    const std::vector<CustomVariable>& declared = chosen.body.variables;
    std::vector<std::string> names;
    for (const CustomVariable& variable : declared) names.push_back(variable.name);
    for (const auto& [name, value] : choice.custom_variables) {
      if (std::find(names.begin(), names.end(), name) != names.end()) continue;
      if (declared.empty()) {
        unused_variable_warnings_.push_back(file_.path() + ": --var " + name +
                                            " is ignored: pipeline '" + chosen.name +
                                            "' has no 'variables'");
        continue;
      }
      std::string list;
      for (const std::string& known : names) list += (list.empty() ? "" : ", ") + known;
      throw ParseError(file_.path() + ": custom pipeline '" + Short(chosen.name) +
                       "' has no variable '" + name + "'" + DidYouMean(name, names) + " (it has " +
                       list + ")");
    }
    EnvVars values;
    std::string custom = Short(chosen.name);
    for (const CustomVariable& variable : declared) {
      std::optional<std::string> value = variable.default_value;
      for (const auto& [name, given] : choice.custom_variables) {
        if (name == variable.name) value = given;  // the last --var wins
      }
      if (!value) {
        throw ParseError(variable.location.ToString() + ": custom pipeline '" + custom +
                         "' needs a value for " + variable.name + " (give it with --var " +
                         variable.name + "=VALUE)");
      }
      const auto& allowed = variable.allowed_values;
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
        std::string list;
        for (const std::string& one : allowed) list += (list.empty() ? "" : ", ") + one;
        throw ParseError(variable.location.ToString() + ": custom pipeline '" + custom + "': '" +
                         *value + "' is not an allowed value of " + variable.name + " (" + list +
                         ")" + DidYouMean(*value, allowed));
      }
      values.emplace_back(variable.name, *value);
    }
    return values;
  }

  const YAML::Node& root_;
  const YamlFile& file_;
  WarningList warnings_;
  StepDefaults defaults_;
  BitbucketDefinitions definitions_;
  std::vector<FilePipeline> pipelines_;
  std::vector<std::string> unused_variable_warnings_;
};

}  // namespace

Pipeline ReadBitbucketPipeline(const YAML::Node& root, const YamlFile& file,
                               const PipelineChoice& choice) {
  return BitbucketReader(root, file).Read(choice);
}

}  // namespace pipeline::parse
