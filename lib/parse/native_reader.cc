#include "parse/native_reader.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "model/spellcheck.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

const std::vector<std::string> kTopLevelKeywords = {
    "stages", "image",  "variables", "default", "before_script", "after_script",
    "services", "cache", "include",  "workflow", "types"};

/// Job keys we honour, then keys GitLab has that we accept and do not act on yet.
const std::vector<std::string> kJobKeys = {
    "stage",  "image",   "script",  "before_script", "after_script", "variables",
    "needs",  "allow_failure", "timeout", "resources", "when",   "extends",
    "retry",  "services", "artifacts", "cache", "tags", "rules", "only", "except",
    "interruptible", "coverage", "environment", "dependencies", "parallel", "release",
    "trigger", "inherit", "resource_group", "secrets", "id_tokens", "pages", "hooks",
    "identity", "start_in", "dast_configuration", "manual_confirmation"};

const std::vector<std::string> kDefaultKeys = {
    "image", "before_script", "after_script", "timeout", "retry", "services", "cache",
    "artifacts", "tags", "interruptible", "hooks", "id_tokens", "identity"};

const std::vector<std::string> kResourceKeys = {"memory", "cpus", "pids"};

/// Defaults that jobs inherit.
struct Defaults {
  std::string image;
  std::vector<std::string> before_script;
  std::vector<std::string> after_script;
  std::optional<std::chrono::seconds> timeout;
};

class NativeReader {
 public:
  NativeReader(const YAML::Node& root, const YamlFile& file) : root_(root), file_(file) {}

  Pipeline Read() {
    if (!root_.IsDefined() || root_.IsNull()) {
      throw ParseError(file_.path() + ": the file is empty; it needs at least one job");
    }
    if (!root_.IsMap()) file_.Fail(root_, "the top level must be a map of keywords and jobs");
    pipeline_.file = file_.path();
    pipeline_.format = Format::kNative;
    CheckDuplicates();
    ReadTopLevel();
    for (auto it = root_.begin(); it != root_.end(); ++it) {
      std::string name = it->first.Scalar();
      if (IsKeyword(name) || name.rfind('.', 0) == 0) continue;
      ReadJobEntry(name, it->first, it->second);
    }
    DropOptionalNeeds();
    if (pipeline_.jobs.empty()) {
      throw ParseError(file_.path() + ": no jobs; a job is a top-level key with a 'script'");
    }
    return pipeline_;
  }

 private:
  static bool IsKeyword(const std::string& key) {
    return std::find(kTopLevelKeywords.begin(), kTopLevelKeywords.end(), key) !=
           kTopLevelKeywords.end();
  }

  void CheckDuplicates() {
    std::set<std::string> seen;
    for (auto it = root_.begin(); it != root_.end(); ++it) {
      std::string key = file_.Scalar(it->first, "a top-level key");
      if (!seen.insert(key).second) file_.Fail(it->first, "'" + key + "' is defined twice");
    }
  }

  void ReadTopLevel() {
    if (YAML::Node include = root_["include"]) {
      file_.Fail(include, "'include' is not supported yet: inline the included jobs");
    }
    YAML::Node stages = root_["stages"] ? root_["stages"] : root_["types"];
    std::vector<std::string> declared =
        stages ? file_.StringList(stages, "'stages'")
               : std::vector<std::string>{"build", "test", "deploy"};
    if (stages && !stages.IsSequence()) file_.Fail(stages, "'stages' must be a list of names");
    pipeline_.stages.push_back(".pre");
    for (const std::string& stage : declared) {
      if (stage != ".pre" && stage != ".post") pipeline_.stages.push_back(stage);
    }
    pipeline_.stages.push_back(".post");

    if (YAML::Node variables = root_["variables"]) {
      pipeline_.variables = ReadVariables(variables, "'variables'");
    }
    if (YAML::Node image = root_["image"]) defaults_.image = ReadImage(image, "'image'");
    if (YAML::Node before = root_["before_script"]) {
      defaults_.before_script = file_.StringList(before, "'before_script'");
    }
    if (YAML::Node after = root_["after_script"]) {
      defaults_.after_script = file_.StringList(after, "'after_script'");
    }
    if (YAML::Node defaults = root_["default"]) {
      if (!defaults.IsMap()) file_.Fail(defaults, "'default' must be a map");
      file_.CheckKeys(defaults, kDefaultKeys, "'default'");
      if (defaults["image"]) defaults_.image = ReadImage(defaults["image"], "'default:image'");
      if (defaults["before_script"]) {
        defaults_.before_script = file_.StringList(defaults["before_script"], "'default:before_script'");
      }
      if (defaults["after_script"]) {
        defaults_.after_script = file_.StringList(defaults["after_script"], "'default:after_script'");
      }
      if (defaults["timeout"]) defaults_.timeout = ReadTimeout(defaults["timeout"], "'default:timeout'");
    }
  }

  EnvVars ReadVariables(const YAML::Node& node, const std::string& what) {
    if (node.IsNull()) return {};
    if (!node.IsMap()) file_.Fail(node, what + " must be a map of NAME: value");
    EnvVars vars;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string name = file_.Scalar(it->first, "a variable name in " + what);
      YAML::Node value = it->second;  // a copy: the iterator hands out a temporary
      if (value.IsMap()) {
        // GitLab's long form: {value: ..., description: ..., expand: ..., options: [...]}
        file_.CheckKeys(value, {"value", "description", "expand", "options"}, "variable '" + name + "'");
        vars.emplace_back(name, value["value"] ? file_.Scalar(value["value"], "variable '" + name + "'") : "");
        continue;
      }
      vars.emplace_back(name, value.IsNull() ? "" : file_.Scalar(value, "variable '" + name + "'"));
    }
    return vars;
  }

  std::string ReadImage(const YAML::Node& node, const std::string& what) {
    if (node.IsMap()) {
      if (!node["name"]) file_.Fail(node, what + " needs a 'name'");
      return file_.Scalar(node["name"], what + ":name");
    }
    return file_.Scalar(node, what);
  }

  std::chrono::seconds ReadTimeout(const YAML::Node& node, const std::string& what) {
    std::string text = file_.Scalar(node, what);
    auto duration = ParseDuration(text);
    if (!duration) {
      file_.Fail(node, what + ": '" + text + "' is not a duration (like 90, 30s, 10m, 1h 30m)");
    }
    return *duration;
  }

  /// The job's map with `extends` applied: bases first, the job's own keys over them.
  YAML::Node ResolveExtends(const std::string& name, const YAML::Node& node,
                            std::vector<std::string>& chain) {
    YAML::Node extends = node["extends"];
    if (!extends) return node;
    if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
      std::string text;
      for (const std::string& link : chain) text += "'" + link + "' -> ";
      file_.Fail(extends, "'extends' forms a cycle: " + text + "'" + name + "'");
    }
    chain.push_back(name);
    YAML::Node merged(YAML::NodeType::Map);
    for (const std::string& base_name : file_.StringList(extends, "'extends'")) {
      YAML::Node base = root_[base_name];
      if (!base) {
        std::vector<std::string> names;
        for (auto it = root_.begin(); it != root_.end(); ++it) names.push_back(it->first.Scalar());
        file_.Fail(extends, "job '" + name + "' extends '" + base_name +
                                "', which is not defined" + DidYouMean(base_name, names));
      }
      if (!base.IsMap()) file_.Fail(base, "'" + base_name + "' must be a map to be extended");
      DeepMerge(merged, ResolveExtends(base_name, base, chain));
    }
    chain.pop_back();
    YAML::Node own(YAML::NodeType::Map);
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.Scalar() != "extends") own[it->first.Scalar()] = it->second;
    }
    DeepMerge(merged, own);
    return merged;
  }

  /// GitLab's merge for extends: maps merge key by key, anything else is replaced.
  static void DeepMerge(YAML::Node into, const YAML::Node& from) {
    for (auto it = from.begin(); it != from.end(); ++it) {
      std::string key = it->first.Scalar();
      YAML::Node existing = into[key];
      if (existing && existing.IsMap() && it->second.IsMap()) {
        YAML::Node copy(YAML::NodeType::Map);
        DeepMerge(copy, existing);
        DeepMerge(copy, it->second);
        into[key] = copy;
      } else {
        into[key] = it->second;
      }
    }
  }

  void ReadJobEntry(const std::string& name, const YAML::Node& key, const YAML::Node& value) {
    if (!value.IsMap()) {
      std::vector<std::string> all = kTopLevelKeywords;
      std::string hint = DidYouMean(name, all);
      if (!hint.empty()) file_.Fail(key, "unknown top-level key '" + name + "'" + hint);
      file_.Fail(value, "job '" + name + "' must be a map with a 'script', not " + DescribeType(value));
    }
    std::vector<std::string> chain;
    YAML::Node node = ResolveExtends(name, value, chain);
    std::string what = "job '" + name + "'";
    file_.CheckKeys(node, kJobKeys, what);

    Job job;
    job.name = name;
    job.location = file_.Where(key);
    if (YAML::Node when = node["when"]) {
      std::string text = file_.Scalar(when, what + ": 'when'");
      static const std::vector<std::string> kWhen = {"on_success", "on_failure", "always",
                                                     "manual", "never", "delayed"};
      if (std::find(kWhen.begin(), kWhen.end(), text) == kWhen.end()) {
        file_.Fail(when, what + ": 'when' must be one of on_success, on_failure, always, manual, "
                                "never, delayed" + DidYouMean(text, kWhen));
      }
      if (text == "never") return;
      job.manual = text == "manual";
    }
    if (!node["script"] && !node["trigger"]) {
      file_.Fail(key, what + " has no 'script'");
    }
    if (node["trigger"]) file_.Fail(node["trigger"], what + ": 'trigger' (child pipelines) is not supported");
    job.script = file_.StringList(node["script"], what + ": 'script'");
    if (job.script.empty()) file_.Fail(node["script"], what + ": 'script' is empty");
    job.before_script = node["before_script"]
                            ? file_.StringList(node["before_script"], what + ": 'before_script'")
                            : defaults_.before_script;
    job.after_script = node["after_script"]
                           ? file_.StringList(node["after_script"], what + ": 'after_script'")
                           : defaults_.after_script;

    job.stage = node["stage"] ? file_.Scalar(node["stage"], what + ": 'stage'") : "test";
    if (std::find(pipeline_.stages.begin(), pipeline_.stages.end(), job.stage) ==
        pipeline_.stages.end()) {
      file_.Fail(node["stage"] ? node["stage"] : key,
                 what + ": stage '" + job.stage + "' is not in 'stages'" +
                     DidYouMean(job.stage, pipeline_.stages));
    }

    job.image = node["image"] ? ReadImage(node["image"], what + ": 'image'") : defaults_.image;
    if (job.image.empty()) job.image = Pipeline::kDefaultImage;
    if (node["variables"]) job.variables = ReadVariables(node["variables"], what + ": 'variables'");
    if (node["needs"]) ReadNeeds(node["needs"], what, job);
    if (node["allow_failure"]) ReadAllowFailure(node["allow_failure"], what, job);
    if (node["timeout"]) {
      job.timeout = ReadTimeout(node["timeout"], what + ": 'timeout'");
    } else {
      job.timeout = defaults_.timeout;
    }
    if (node["resources"]) ReadResources(node["resources"], what, job);
    if (node["artifacts"]) ReadArtifacts(node["artifacts"], what, job);
    // `dependencies: []` takes no artifacts from earlier jobs (GitLab); a list still takes all.
    if (node["dependencies"] && node["dependencies"].IsSequence() && node["dependencies"].size() == 0) {
      job.download_artifacts = false;
    }
    pipeline_.jobs.push_back(std::move(job));
  }

  void ReadNeeds(const YAML::Node& node, const std::string& what, Job& job) {
    if (!node.IsSequence() && !node.IsNull()) file_.Fail(node, what + ": 'needs' must be a list");
    std::vector<std::string> needs;
    for (const YAML::Node& item : node) {
      if (item.IsMap()) {
        file_.CheckKeys(item, {"job", "artifacts", "optional", "pipeline", "project", "ref"},
                        what + ": 'needs'");
        if (!item["job"]) file_.Fail(item, what + ": a 'needs' entry needs a 'job'");
        std::string need = file_.Scalar(item["job"], what + ": 'needs:job'");
        if (item["optional"] && file_.Bool(item["optional"], what + ": 'needs:optional'")) {
          optional_needs_[job.name].insert(need);
        }
        needs.push_back(need);
        continue;
      }
      needs.push_back(file_.Scalar(item, what + ": a 'needs' entry"));
    }
    job.needs = needs;
  }

  void ReadAllowFailure(const YAML::Node& node, const std::string& what, Job& job) {
    if (node.IsMap()) {
      file_.CheckKeys(node, {"exit_codes"}, what + ": 'allow_failure'");
      job.allow_failure = true;
      YAML::Node codes = node["exit_codes"];
      if (!codes) file_.Fail(node, what + ": 'allow_failure' as a map needs 'exit_codes'");
      if (codes.IsSequence()) {
        for (const YAML::Node& code : codes) {
          job.allow_failure_exit_codes.push_back(
              static_cast<int>(file_.Integer(code, what + ": an exit code")));
        }
      } else {
        job.allow_failure_exit_codes.push_back(
            static_cast<int>(file_.Integer(codes, what + ": 'exit_codes'")));
      }
      return;
    }
    job.allow_failure = file_.Bool(node, what + ": 'allow_failure'");
  }

  void ReadArtifacts(const YAML::Node& node, const std::string& what, Job& job) {
    if (!node.IsMap()) file_.Fail(node, what + ": 'artifacts' must be a map with 'paths'");
    file_.CheckKeys(node, {"paths", "name", "when", "expire_in", "reports", "untracked", "exclude",
                           "expose_as", "public", "access"},
                    what + ": 'artifacts'");
    if (node["paths"]) job.artifacts = file_.StringList(node["paths"], what + ": 'artifacts:paths'");
  }

  void ReadResources(const YAML::Node& node, const std::string& what, Job& job) {
    if (!node.IsMap()) file_.Fail(node, what + ": 'resources' must be a map of memory, cpus, pids");
    file_.CheckKeys(node, kResourceKeys, what + ": 'resources'");
    if (YAML::Node memory = node["memory"]) {
      std::string text = file_.Scalar(memory, what + ": 'resources:memory'");
      job.resources.memory_bytes = ParseByteSize(text);
      if (!job.resources.memory_bytes || *job.resources.memory_bytes < (int64_t{6} << 20)) {
        file_.Fail(memory, what + ": 'resources:memory' wants a size of at least 6m like 512m or "
                                  "2g, not '" + text + "'");
      }
    }
    if (YAML::Node cpus = node["cpus"]) {
      std::string text = file_.Scalar(cpus, what + ": 'resources:cpus'");
      try {
        size_t used = 0;
        double value = std::stod(text, &used);
        if (used != text.size() || !(value > 0) || !std::isfinite(value)) {
          throw std::invalid_argument(text);
        }
        job.resources.cpus = value;
      } catch (const std::exception&) {
        file_.Fail(cpus, what + ": 'resources:cpus' wants a positive number like 1.5, not '" +
                             text + "'");
      }
    }
    if (YAML::Node pids = node["pids"]) {
      long value = file_.Integer(pids, what + ": 'resources:pids'");
      if (value < 1) file_.Fail(pids, what + ": 'resources:pids' must be at least 1");
      job.resources.pids = value;
    }
  }

  /// An optional need that names no job is dropped, as GitLab does.
  void DropOptionalNeeds() {
    for (Job& job : pipeline_.jobs) {
      auto optional = optional_needs_.find(job.name);
      if (optional == optional_needs_.end() || !job.needs) continue;
      auto& needs = *job.needs;
      needs.erase(std::remove_if(needs.begin(), needs.end(),
                                 [&](const std::string& need) {
                                   return optional->second.count(need) != 0 &&
                                          pipeline_.FindJob(need) == nullptr;
                                 }),
                  needs.end());
    }
  }

  const YAML::Node& root_;
  const YamlFile& file_;
  Pipeline pipeline_;
  Defaults defaults_;
  std::map<std::string, std::set<std::string>> optional_needs_;
};

}  // namespace

Pipeline ReadNativePipeline(const YAML::Node& root, const YamlFile& file) {
  return NativeReader(root, file).Read();
}

}  // namespace pipeline::parse
