#include "parse/bitbucket_steps.h"

#include <algorithm>

#include "model/spellcheck.h"
#include "parse/bitbucket_clone.h"
#include "parse/bitbucket_script.h"

namespace pipeline::parse {
namespace {

constexpr int64_t kMegabyte = int64_t{1} << 20;
constexpr int64_t kMemoryPerSizeMb = 4096;   // what 1x gives the build and its services together
constexpr int64_t kMinBuildMemoryMb = 1024;  // the cloud refuses to leave the build less
constexpr size_t kMaxServices = 5;           // per step, the docker service included

const std::vector<std::string> kStepKeys = {
    "name",      "image", "script",   "after-script", "services",   "caches",
    "artifacts", "size",  "max-time", "trigger",      "deployment", "condition",
    "clone",     "oidc",  "runs-on",  "runtime",      "fail-fast"};

std::vector<std::string> Names(const std::vector<std::string>& own,
                               std::vector<std::string> builtin) {
  builtin.insert(builtin.end(), own.begin(), own.end());
  return builtin;
}

/// `services`, with options.docker's docker service added, checked against the definitions.
std::vector<Service> ReadServices(const YAML::Node& step, const std::string& what,
                                  const StepContext& context) {
  const YamlFile& file = context.file;
  std::vector<Service> services;
  std::vector<std::string> names;
  YAML::Node list = step["services"];
  if (list) {
    if (!list.IsSequence() && !list.IsNull()) {
      file.Fail(list, what + ": 'services' must be a list of service names");
    }
    for (const YAML::Node& item : list) {
      if (item.IsNull()) continue;
      std::string name = file.Scalar(item, what + ": a service");
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        file.Fail(item, what + ": service '" + name + "' is listed twice");
      }
      std::optional<Service> service = FindService(context.definitions, name);
      if (!service) {
        file.Fail(item, what + ": service '" + name + "' is not in 'definitions: services'" +
                            DidYouMean(name, Names(context.definitions.service_names,
                                                   {kDockerServiceName})));
      }
      for (const Service& other : services) {
        if (IsDockerService(other) && IsDockerService(*service)) {
          file.Fail(item, what + ": '" + name +
                              "' is a second docker service; a step can have "
                              "one");
        }
      }
      names.push_back(name);
      services.push_back(*service);
    }
  }
  bool has_docker = std::any_of(services.begin(), services.end(), IsDockerService);
  if (context.defaults.docker && !has_docker) {
    services.push_back(*FindService(context.definitions, kDockerServiceName));
  }
  if (services.size() > kMaxServices) {
    file.Fail(list ? list : step, what + ": a step can have at most " +
                                      std::to_string(kMaxServices) + " services, this one has " +
                                      std::to_string(services.size()) +
                                      (context.defaults.docker ? " (options: docker counts)" : ""));
  }
  return services;
}

std::vector<CacheSpec> ReadCaches(const YAML::Node& node, const std::string& what,
                                  const StepContext& context) {
  const YamlFile& file = context.file;
  if (!node.IsSequence() && !node.IsNull()) {
    file.Fail(node, what + ": 'caches' must be a list of cache names");
  }
  std::vector<CacheSpec> caches;
  for (const YAML::Node& item : node) {
    if (item.IsNull()) continue;
    std::string name = file.Scalar(item, what + ": a cache");
    for (const CacheSpec& other : caches) {
      if (other.name == name) file.Fail(item, what + ": cache '" + name + "' is listed twice");
    }
    std::optional<CacheSpec> cache = FindCache(context.definitions, name);
    if (!cache) {
      std::vector<std::string> known = context.definitions.cache_names;
      for (const CacheSpec& predefined : PredefinedCaches()) known.push_back(predefined.name);
      file.Fail(item, what + ": cache '" + name +
                          "' is neither predefined nor in 'definitions: caches'" +
                          DidYouMean(name, known));
    }
    if (cache->name == "docker" && context.definitions.caches.count("docker") == 0) {
      context.warnings.Add(item,
                           "the 'docker' cache (image layers) is not honoured locally: "
                           "steps build on your own daemon and its build cache");
    }
    caches.push_back(*cache);
  }
  return caches;
}

void ReadArtifacts(const YAML::Node& node, const std::string& what, const YamlFile& file,
                   Job& job) {
  if (node.IsMap()) {
    file.CheckKeys(node, {"download", "paths"}, what + ": 'artifacts'");
    if (node["download"])
      job.download_artifacts = file.Bool(node["download"], what + ": 'download'");
    if (node["paths"]) {
      if (!node["paths"].IsSequence()) {
        file.Fail(node["paths"], what + ": 'artifacts: paths' must be a list of glob patterns");
      }
      job.artifacts = file.StringList(node["paths"], what + ": 'artifacts: paths'");
    }
    return;
  }
  if (!node.IsSequence() && !node.IsNull()) {
    file.Fail(node, what +
                        ": 'artifacts' must be a list of glob patterns, or a map with "
                        "'paths' and 'download'");
  }
  job.artifacts = file.StringList(node, what + ": 'artifacts'");
}

}  // namespace

namespace {

std::vector<std::string> ReadPathList(const YAML::Node& changesets, const std::string& key,
                                      const std::string& what, const YamlFile& file) {
  YAML::Node paths = changesets[key];
  if (!paths) return {};
  if (!paths.IsSequence())
    file.Fail(paths, what + ": '" + key + "' must be a list of glob patterns");
  std::vector<std::string> patterns = file.StringList(paths, what + ": '" + key + "'");
  if (patterns.empty()) file.Fail(paths, what + ": '" + key + "' is empty");
  return patterns;
}

}  // namespace

StepCondition ReadStepCondition(const YAML::Node& node, const std::string& what,
                                const YamlFile& file, WarningList& warnings) {
  if (!node.IsMap()) file.Fail(node, what + ": 'condition' must be a map with 'changesets'");
  file.CheckKeys(node, {"changesets", "state"}, what + ": 'condition'");
  StepCondition condition;
  if (YAML::Node state = node["state"]) {
    if (file.Scalar(state, what + ": 'state'").empty()) {
      file.Fail(state, what + ": 'condition: state' is empty");
    }
    warnings.Add(state, "'condition: state' is not evaluated locally: the step runs as if it held");
  }
  YAML::Node changesets = node["changesets"];
  if (!changesets && node["state"]) return condition;
  if (!changesets) file.Fail(node, what + ": 'condition' needs 'changesets' or 'state'");
  if (!changesets.IsMap()) {
    file.Fail(changesets, what + ": 'changesets' must be a map with 'includePaths'");
  }
  file.CheckKeys(changesets, {"includePaths", "excludePaths"}, what + ": 'changesets'");
  condition.includes = ReadPathList(changesets, "includePaths", what, file);
  condition.excludes = ReadPathList(changesets, "excludePaths", what, file);
  if (condition.includes.empty() && condition.excludes.empty()) {
    file.Fail(changesets, what + ": 'changesets' needs 'includePaths' or 'excludePaths'");
  }
  return condition;
}

bool ReadStepTrigger(const YAML::Node& node, const std::string& what, const YamlFile& file) {
  static const std::vector<std::string> kTriggers = {"automatic", "manual"};
  std::string text = file.Scalar(node, what + ": 'trigger'");
  if (text != "automatic" && text != "manual") {
    file.Fail(node, what + ": 'trigger' must be automatic or manual, not '" + text + "'" +
                        DidYouMean(text, kTriggers));
  }
  return text == "manual";
}

std::vector<std::string> ReadRunsOn(const YAML::Node& node, const std::string& what,
                                    const YamlFile& file, WarningList& warnings) {
  std::vector<std::string> labels = file.StringList(node, what + ": 'runs-on'");
  if (labels.empty()) file.Fail(node, what + ": 'runs-on' is empty");
  warnings.Add(node,
               "'runs-on' labels are only shown and put on the step's container: steps "
               "run on your docker daemon, not on a runner with those labels");
  return labels;
}

int64_t BuildContainerMemory(int size, const std::vector<Service>& services) {
  int64_t memory = kMemoryPerSizeMb * size * kMegabyte;
  for (const Service& service : services) memory -= service.memory_bytes;
  return memory;
}

int ReadStepSize(const YAML::Node& node, const std::string& what, const YamlFile& file) {
  static const std::vector<std::string> kSizes = {"1x", "2x", "4x", "8x", "16x", "32x"};
  std::string text = file.Scalar(node, what);
  if (std::find(kSizes.begin(), kSizes.end(), text) == kSizes.end()) {
    file.Fail(node, what + " must be one of 1x, 2x, 4x, 8x, 16x, 32x, not '" + text + "'" +
                        DidYouMean(text, kSizes));
  }
  return std::stoi(text);
}

long ReadMaxTime(const YAML::Node& node, const std::string& what, const YamlFile& file) {
  long minutes = file.Integer(node, what);
  if (minutes < 1) file.Fail(node, what + " is in minutes and must be at least 1");
  return minutes;
}

/// The step's `script` (pipes included) and `after-script`.
void ReadStepScripts(const YAML::Node& key, const YAML::Node& step, const std::string& what,
                     const StepContext& context, Job& job) {
  const YamlFile& file = context.file;
  if (!step["script"]) file.Fail(key, what + " has no 'script'");
  job.script =
      ReadBitbucketScript(step["script"], what + ": 'script'", file, context.warnings, job.pipes);
  if (job.script.empty() && job.pipes.empty())
    file.Fail(step["script"], what + ": 'script' is empty");
  if (YAML::Node after = step["after-script"]) {
    job.after_script = ReadBitbucketScript(after, what + ": 'after-script'", file, context.warnings,
                                           job.pipes, true);
  }
}

/// The step's services and the memory left to its build container: the step's `size` times
/// 4 GB less what the services take, refused below Bitbucket's minimum.
void ReadServicesAndMemory(const YAML::Node& key, const YAML::Node& step, const std::string& what,
                           const StepContext& context, Job& job) {
  const YamlFile& file = context.file;
  job.services = ReadServices(step, what, context);
  int size =
      step["size"] ? ReadStepSize(step["size"], what + ": 'size'", file) : context.defaults.size;
  int64_t memory = BuildContainerMemory(size, job.services);
  if (memory < kMinBuildMemoryMb * kMegabyte) {
    YAML::Node where = step["services"] ? step["services"] : key;
    file.Fail(where,
              what + ": its services take " +
                  std::to_string((kMemoryPerSizeMb * size * kMegabyte - memory) / kMegabyte) +
                  " MB of the " + std::to_string(kMemoryPerSizeMb * size) + " MB of a " +
                  std::to_string(size) + "x step, leaving the build " +
                  std::to_string(memory / kMegabyte) + " MB; it needs at least " +
                  std::to_string(kMinBuildMemoryMb) +
                  " MB: use a larger 'size' or give the services less 'memory'");
  }
  job.resources.memory_bytes = memory;
}

BitbucketStep ReadBitbucketStep(const YAML::Node& key, const YAML::Node& step,
                                const StepContext& context) {
  const YamlFile& file = context.file;
  if (!step.IsMap())
    file.Fail(step, "'step' must be a map with a 'script', not " + DescribeType(step));
  BitbucketStep result;
  Job& job = result.job;
  job.location = file.Where(key);
  if (step["name"]) job.name = file.Scalar(step["name"], "a step's 'name'");
  std::string what = job.name.empty() ? "step" : "step '" + job.name + "'";
  file.CheckKeys(step, kStepKeys, what);

  job.script_style = ScriptStyle::kBitbucket;
  job.stop_running_on_failure = true;  // a parallel group's `fail-fast` may say otherwise
  job.workdir = kBitbucketCloneDir;
  ReadStepScripts(key, step, what, context, job);
  job.image = step["image"]
                  ? ReadBitbucketImage(step["image"], what + ": 'image'", file, context.warnings)
                  : context.defaults.image;
  job.user = step["image"] ? RunAsUserOf(step["image"]) : context.defaults.run_as_user;

  long minutes = step["max-time"] ? ReadMaxTime(step["max-time"], what + ": 'max-time'", file)
                                  : context.defaults.max_time_minutes;
  job.timeout = std::chrono::minutes(minutes);

  ReadServicesAndMemory(key, step, what, context, job);

  if (YAML::Node caches = step["caches"]) job.caches = ReadCaches(caches, what, context);
  if (YAML::Node artifacts = step["artifacts"]) ReadArtifacts(artifacts, what, file, job);
  if (YAML::Node trigger = step["trigger"]) {
    job.manual = ReadStepTrigger(trigger, what, file);
    job.manual_blocks = job.manual;
  }
  if (YAML::Node deployment = step["deployment"]) {
    job.deployment = file.Scalar(deployment, what + ": 'deployment'");
    if (job.deployment.empty()) file.Fail(deployment, what + ": 'deployment' is empty");
  }
  if (YAML::Node condition = step["condition"]) {
    StepCondition read = ReadStepCondition(condition, what, file, context.warnings);
    job.changeset_includes = read.includes;
    job.changeset_excludes = read.excludes;
    result.has_condition = true;
  }
  if (YAML::Node clone = step["clone"])
    ReadClone(clone, what + ": 'clone'", file, context.warnings);
  if (YAML::Node oidc = step["oidc"]) {
    if (file.Bool(oidc, what + ": 'oidc'")) {
      context.warnings.Add(oidc,
                           "'oidc' is not honoured locally: steps get no OpenID Connect "
                           "token (BITBUCKET_STEP_OIDC_TOKEN)");
    }
  }
  job.runner_labels = context.defaults.runner_labels;
  if (YAML::Node runs_on = step["runs-on"]) {
    job.runner_labels = ReadRunsOn(runs_on, what, file, context.warnings);
  }
  if (YAML::Node runtime = step["runtime"]) {
    ReadRuntime(runtime, what + ": 'runtime'", file, context.warnings);
  }
  if (YAML::Node fail_fast = step["fail-fast"]) {
    result.fail_fast = file.Bool(fail_fast, what + ": 'fail-fast'");
  }
  return result;
}

}  // namespace pipeline::parse
