#include "parse/native_reader.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "model/spellcheck.h"
#include "parse/bitbucket_warnings.h"
#include "parse/extends.h"
#include "parse/gitlab_context.h"
#include "parse/gitlab_duplicates.h"
#include "parse/gitlab_include.h"
#include "parse/gitlab_only_except.h"
#include "parse/gitlab_parallel.h"
#include "parse/gitlab_rules.h"
#include "parse/native_defaults.h"
#include "parse/native_fields.h"
#include "parse/native_retry.h"
#include "parse/native_services.h"
#include "parse/references.h"
#include "parse/variable_expansion.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

const std::vector<std::string> kTopLevelKeywords = {
    "stages",   "image", "variables", "default",  "before_script", "after_script",
    "services", "cache", "include",   "workflow", "types"};

/// Job keys we honour.
const std::vector<std::string> kHonouredJobKeys = {
    "stage",     "image",         "script",  "before_script", "after_script", "variables",
    "needs",     "allow_failure", "timeout", "resources",     "when",         "extends",
    "artifacts", "dependencies",  "inherit", "retry"};

/// Job keys GitLab has that we accept; those that change what runs are reported as warnings
/// (kUnhonouredJobKeys), the rest only matter on a GitLab server. `trigger` is an error.
// clang-format off
const std::vector<std::string> kAcceptedJobKeys = {
    "services", "cache", "tags", "rules", "only", "except", "interruptible", "coverage",
    "environment", "parallel", "release", "trigger", "resource_group", "secrets", "id_tokens",
    "pages", "hooks", "identity", "start_in", "dast_configuration", "manual_confirmation"};
// clang-format on

/// Accepted keys whose absence changes what a job does, with what we do instead.
const std::map<std::string, std::string> kUnhonouredJobKeys = {
    {"secrets", "'secrets' are not fetched: the job runs without them"},
};

/// Every key a job may have.
std::vector<std::string> JobKeys() {
  std::vector<std::string> keys = kHonouredJobKeys;
  keys.insert(keys.end(), kAcceptedJobKeys.begin(), kAcceptedJobKeys.end());
  return keys;
}

const std::vector<std::string> kDefaultStages = {"build", "test", "deploy"};

class NativeReader {
 public:
  NativeReader(const YAML::Node& root, const YamlFile& file, const PipelineChoice& choice)
      : root_(root),
        file_(file),
        choice_(choice),
        context_(choice, file.path()),
        templates_(root, file, kTopLevelKeywords),
        references_(root, templates_, file),
        warnings_(file) {}

  Pipeline Read() {
    if (!root_.IsDefined() || root_.IsNull()) {
      throw ParseError(file_.path() + ": the file is empty; it needs at least one job");
    }
    if (!root_.IsMap()) file_.Fail(root_, "the top level must be a map of keywords and jobs");
    for (auto it = root_.begin(); it != root_.end(); ++it) {
      file_.Scalar(it->first, "a top-level key");
    }
    file_.RejectDuplicateKeys(root_);
    RejectJobsNamedAsKeywords();
    pipeline_.file = file_.path();
    pipeline_.format = Format::kNative;
    ReadTopLevel();
    for (auto it = root_.begin(); it != root_.end(); ++it) {
      YAML::Node key = it->first;
      std::string name = key.Scalar();
      if (IsKeyword(name) || name.rfind('.', 0) == 0) continue;
      ReadJob(name, key, it->second);
    }
    ExpandParallelNeeds();
    CheckStageOrder();
    if (pipeline_.nothing_to_run.empty()) DropOptionalNeeds();
    if (pipeline_.jobs.empty() && excluded_.empty()) {
      throw ParseError(file_.path() + ": no jobs; a job is a top-level key with a 'script'");
    }
    if (!pipeline_.nothing_to_run.empty()) {
      pipeline_.jobs.clear();
    } else if (pipeline_.jobs.empty()) {
      pipeline_.nothing_to_run = "no job runs in " + PipelineDescription() +
                                 ": every job's rules, only/except or 'when: never' leave it out";
    }
    PassVariablesToJobs();
    pipeline_.warnings = warnings_.lines();
    return pipeline_;
  }

 private:
  static bool IsKeyword(const std::string& key) {
    return std::find(kTopLevelKeywords.begin(), kTopLevelKeywords.end(), key) !=
           kTopLevelKeywords.end();
  }

  /// A top-level keyword's value with `!reference` tags resolved; undefined when absent.
  YAML::Node Keyword(const std::string& name) {
    YAML::Node value = FindKey(root_, name).value;
    return value ? references_.Resolve(value) : value;
  }

  void ReadTopLevel() {
    ReadStages();
    if (YAML::Node variables = Keyword("variables")) {
      pipeline_.variables = ReadVariables(variables, file_, {"", "variables"});
    }
    defaults_ = ReadDefaults(root_, file_, references_, warnings_);
    if (YAML::Node workflow = Keyword("workflow")) ReadWorkflow(workflow);
  }

  /// "a push pipeline of branch 'main'", for messages.
  std::string PipelineDescription() const {
    std::string ref = context_.ref().empty() ? "no branch"
                      : context_.is_tag()    ? "tag '" + context_.ref() + "'"
                                             : "branch '" + context_.ref() + "'";
    return "a " + context_.source() + " pipeline of " + ref;
  }

  /// What GitLab sets for this pipeline (CI_PIPELINE_SOURCE, CI_DEFAULT_BRANCH, CI_COMMIT_REF_SLUG,
  /// ...) goes under the file's variables (the plan layers them), and the pipeline variables
  /// (--var) over each job's, GitLab's order.
  void PassVariablesToJobs() {
    pipeline_.predefined = context_.predefined();
    for (Job& job : pipeline_.jobs) {
      job.variables = MergeEnv({&job.variables, &choice_.custom_variables});
    }
  }

  /// `workflow:rules` decide whether there is a pipeline at all; a matching rule's variables
  /// join the file's.
  void ReadWorkflow(const YAML::Node& workflow) {
    file_.ExpectMap(workflow, "'workflow'", "a map with 'rules'");
    file_.CheckKeys(workflow, {"rules", "name", "auto_cancel"}, "'workflow'");
    KeyValue rules = FindKey(workflow, "rules");
    if (!rules.key) return;
    EnvVars variables =
        MergeEnv({&context_.variables(), &pipeline_.variables, &choice_.custom_variables});
    RulesOutcome outcome =
        EvaluateRules(rules.value, file_, {"", "workflow:rules"}, context_, variables, warnings_,
                      {"if", "changes", "exists", "when", "variables", "auto_cancel"});
    if (!outcome.included) {
      pipeline_.nothing_to_run = file_.Where(rules.key).ToString() + ": 'workflow:rules' run no " +
                                 "pipeline for " + PipelineDescription().substr(2) + " (" +
                                 outcome.why + ")";
      return;
    }
    pipeline_.variables = MergeEnv({&pipeline_.variables, &outcome.variables});
  }

  void ReadStages() {
    // `types` is GitLab's old name. No assignment to a KeyValue: assigning yaml-cpp nodes writes
    // through to the node they point at.
    KeyValue stages =
        FindKey(root_, "stages").key ? FindKey(root_, "stages") : FindKey(root_, "types");
    std::vector<std::string> declared = kDefaultStages;
    if (stages.key) {
      YAML::Node value = references_.Resolve(stages.value);
      if (!value.IsSequence()) {
        file_.Fail(value, "'stages' must be a list of names, not " + DescribeType(value));
      }
      declared = file_.StringList(value, "'stages'");
    }
    // `.pre` and `.post` are always there, first and last; a name listed twice counts once.
    pipeline_.stages.push_back(".pre");
    for (const std::string& stage : declared) {
      if (stage == ".pre" || stage == ".post") continue;
      if (std::find(pipeline_.stages.begin(), pipeline_.stages.end(), stage) !=
          pipeline_.stages.end()) {
        continue;
      }
      pipeline_.stages.push_back(stage);
    }
    pipeline_.stages.push_back(".post");
  }

  /// Refuses a job entry that is not a job: no name, not a map, or a misspelled top-level key.
  void CheckJobEntry(const std::string& name, const YAML::Node& key, const YAML::Node& value) {
    if (name.empty()) file_.Fail(key, "a job needs a name");
    std::string hint = DidYouMean(name, kTopLevelKeywords);
    if (!value.IsMap()) {
      if (!hint.empty()) file_.Fail(key, "unknown top-level key '" + name + "'" + hint);
      // An empty value's mark is wherever the parser went next; the key is where the job is.
      file_.Fail(value.IsNull() ? key : value,
                 "job '" + name + "' must be a map with a 'script', not " + DescribeType(value));
    }
    // `defaults:` or `variable:` are far likelier typos than jobs without a script.
    if (!hint.empty() && !value["script"] && !value["extends"]) {
      file_.Fail(key, "unknown top-level key '" + name + "'" + hint);
    }
  }

  void ReadJob(const std::string& name, const YAML::Node& key, const YAML::Node& value) {
    CheckJobEntry(name, key, value);
    std::string what = "job '" + name + "'";
    // const: a lookup through a non-const yaml-cpp node may add an empty entry to shared nodes.
    const YAML::Node node = references_.Resolve(templates_.Resolve(name));
    file_.CheckKeys(node, JobKeys(), what);
    auto field = [&](const std::string& key) { return FieldName{what, key}; };

    Job job;
    job.name = name;
    job.location = file_.Where(key);
    When when = node["when"] ? ReadWhen(node["when"], file_, field("when")) : When::kOnSuccess;
    KeyValue trigger = FindKey(node, "trigger");  // refused below, if the pipeline has the job
    if (!trigger.key) {
      if (!node["script"]) file_.Fail(key, what + " has no 'script'");
      job.script = file_.StringList(node["script"], field("script").Text());
      if (job.script.empty()) file_.Fail(node["script"], field("script").Text() + " is empty");
    }
    Inherit inherit = Inherit::Read(node["inherit"], file_, field("inherit"), warnings_);

    ReadScripts(node, inherit, what, job);
    ReadStage(node, key, what, job);
    stage_of_[name] = job.stage;
    if (node["variables"]) {
      job.variables = ReadVariables(node["variables"], file_, field("variables"));
    }
    ReadJobImage(node, inherit, what, job);
    if (YAML::Node needs = node["needs"]) ReadJobNeeds(needs, field("needs"), job);
    ReadJobLimits(node, inherit, what, job);
    ReadJobServicesAndCaches(node, defaults_, inherit.Takes("services"), inherit.Takes("cache"),
                             file_, field("services"), field("cache"),
                             MergeEnv({&pipeline_.variables, &job.variables}), warnings_, job);
    if (YAML::Node dependencies = node["dependencies"]) {
      ReadDependencies(dependencies, field("dependencies"), job);
    }
    if (!Included(node, what, when, job)) return;
    if (!ApplyWhen(node, when, job)) return;  // validated, never run
    if (trigger.key) RefuseTrigger(trigger, what);
    for (auto it = node.begin(); it != node.end(); ++it) {  // in file order
      YAML::Node entry_key = it->first;
      auto unhonoured = kUnhonouredJobKeys.find(entry_key.Scalar());
      if (unhonoured != kUnhonouredJobKeys.end()) warnings_.Add(entry_key, unhonoured->second);
    }
    if (YAML::Node parallel = node["parallel"]) {
      AddParallelCopies(parallel, field("parallel"), job);
      return;
    }
    pipeline_.jobs.push_back(std::move(job));
  }

  /// What may fail, and for how long a job runs: allow_failure, timeout, retry, resources and
  /// artifacts (the last three from `default:` unless `inherit:` says no).
  void ReadJobLimits(const YAML::Node& node, const Inherit& inherit, const std::string& what,
                     Job& job) {
    auto field = [&](const std::string& key) { return FieldName{what, key}; };
    if (YAML::Node allow = node["allow_failure"]) {
      AllowFailure allow_failure = ReadAllowFailure(allow, file_, field("allow_failure"));
      job.allow_failure = allow_failure.allowed;
      job.allow_failure_exit_codes = allow_failure.exit_codes;
    }
    if (node["timeout"]) {
      job.timeout = ReadTimeout(node["timeout"], file_, field("timeout"));
    } else if (inherit.Takes("timeout")) {
      job.timeout = defaults_.timeout;
    }
    if (node["retry"]) {
      job.retry = ReadRetry(node["retry"], file_, field("retry"));
    } else if (inherit.Takes("retry") && defaults_.retry) {
      job.retry = *defaults_.retry;
    }
    if (node["resources"]) {
      job.resources = ReadResources(node["resources"], file_, field("resources"));
    }
    // GitLab runner tags: shown and put on the job's container as runner labels; the swarm
    // backend places the job on nodes carrying them (docs/scale.md).
    if (YAML::Node tags = node["tags"]) job.runner_labels = file_.StringList(tags, field("tags").Text());
    if (node["artifacts"]) {
      job.artifacts = ReadArtifactPaths(node["artifacts"], file_, field("artifacts"));
    } else if (inherit.Takes("artifacts") && defaults_.artifacts) {
      job.artifacts = *defaults_.artifacts;
    }
  }

  /// `dependencies:`, checked against the jobs once all are read.
  void ReadDependencies(const YAML::Node& dependencies, const FieldName& field, Job& job) {
    // `dependencies: []` takes no artifacts from earlier jobs (GitLab); a list still takes all.
    if (!dependencies.IsSequence() && !dependencies.IsNull()) {
      file_.Fail(dependencies, field.Text() + " must be a list of job names");
    }
    std::vector<std::string> names = file_.StringList(dependencies, field.Text());
    job.download_artifacts = !names.empty();
    dependencies_[job.name] = {dependencies, names};
  }

  /// Sets what `when:` means for the job; false for `when: never` (validated, never run).
  bool ApplyWhen(const YAML::Node& node, When when, Job& job) {
    switch (when) {
      case When::kNever:
        excluded_[job.name] = "its 'when' is never";
        return false;
      case When::kOnFailure:
        job.when = Job::When::kOnFailure;
        break;
      case When::kAlways:
        job.when = Job::When::kAlways;
        break;
      case When::kDelayed:
        warnings_.Add(node["when"], "'when: delayed' jobs run at once");
        break;
      case When::kManual:
        job.manual = true;
        break;
      case When::kOnSuccess:
        break;
    }
    return true;
  }

  /// One copy of `job` a `parallel:` instance, each with the instance's variables.
  void AddParallelCopies(const YAML::Node& parallel, const FieldName& field, const Job& job) {
    for (ParallelInstance& instance : ExpandParallel(parallel, file_, field, job.name)) {
      Job copy = job;
      copy.name = instance.name;
      copy.parallel_of = job.name;
      copy.variables = MergeEnv({&job.variables, &instance.variables});
      // `image: python:$PYTHON` with PYTHON from the matrix.
      copy.image =
          ExpandVariables(job.image, MergeEnv({&pipeline_.variables, &copy.variables}), nullptr);
      pipeline_.jobs.push_back(std::move(copy));
    }
  }

  /// A need on a job with `parallel` waits for all of its copies, as in GitLab.
  void ExpandParallelNeeds() {
    std::map<std::string, std::vector<std::string>> copies;
    for (const Job& job : pipeline_.jobs) {
      if (!job.parallel_of.empty()) copies[job.parallel_of].push_back(job.name);
    }
    if (copies.empty()) return;
    for (Job& job : pipeline_.jobs) {
      if (!job.needs) continue;
      std::vector<std::string> expanded;
      for (const std::string& need : *job.needs) {
        auto found = copies.find(need);
        if (found == copies.end() || pipeline_.FindJob(need) != nullptr) {
          expanded.push_back(need);
          continue;
        }
        expanded.insert(expanded.end(), found->second.begin(), found->second.end());
        auto optional = optional_needs_.find(job.name);
        if (optional != optional_needs_.end() && optional->second.count(need) != 0) {
          optional->second.insert(found->second.begin(), found->second.end());
        }
      }
      job.needs = expanded;
    }
  }

  /// `default:` or `variables:` holding a `script` is a job given a keyword's name: GitLab reads
  /// the keyword, so say that rather than complain about its keys.
  void RejectJobsNamedAsKeywords() {
    for (auto it = root_.begin(); it != root_.end(); ++it) {
      YAML::Node key = it->first;
      YAML::Node value = it->second;
      if (IsKeyword(key.Scalar()) && value.IsMap() && FindKey(value, "script").key) {
        file_.Fail(key, "'" + key.Scalar() +
                            "' is a reserved keyword, so it cannot name a job: rename the job");
      }
    }
  }

  /// A trigger job starts another pipeline on a GitLab server; locally there is none to start.
  /// Said at its line, with the child's file when it is one of this repository's.
  [[noreturn]] void RefuseTrigger(const KeyValue& trigger, const std::string& what) {
    std::string child;
    if (trigger.value.IsMap()) {
      YAML::Node include = FindKey(trigger.value, "include").value;
      if (include && include.IsSequence() && include.size() == 1) include = include[0];
      if (include && include.IsMap()) include = FindKey(include, "local").value;
      if (include && include.IsScalar()) child = include.Scalar();
    }
    std::string hint = child.empty() ? "" : "; run the child on its own with `-f " + child + "`";
    file_.Fail(trigger.key,
               what +
                   ": 'trigger' starts a child or multi-project pipeline, which is not "
                   "run locally" +
                   hint + ", or give the job rules that leave it out of this pipeline");
  }

  size_t StageIndex(const std::string& stage) const {
    return static_cast<size_t>(std::find(pipeline_.stages.begin(), pipeline_.stages.end(), stage) -
                               pipeline_.stages.begin());
  }

  /// GitLab's checks of `dependencies` (a job of an earlier stage) and `needs` (not a later
  /// stage), made over every job of the file, whatever the rules left in.
  void CheckStageOrder() {
    for (const auto& [name, entry] : dependencies_) {
      for (const std::string& dependency : entry.names) {
        auto found = stage_of_.find(dependency);
        if (found == stage_of_.end()) {
          file_.Fail(entry.node, "job '" + name + "': 'dependencies' names '" + dependency +
                                     "', which is not a job" + DidYouMean(dependency, JobNames()));
        }
        if (StageIndex(found->second) >= StageIndex(stage_of_[name])) {
          file_.Fail(entry.node, "job '" + name + "': 'dependencies' names '" + dependency +
                                     "' of stage '" + found->second +
                                     "', which does not come before the job's stage '" +
                                     stage_of_[name] + "'");
        }
      }
    }
    for (const Job& job : pipeline_.jobs) {
      for (const std::string& need : job.needs ? *job.needs : std::vector<std::string>{}) {
        const Job* other = pipeline_.FindJob(need);
        if (other == nullptr || StageIndex(other->stage) <= StageIndex(job.stage)) continue;
        throw ParseError(job.location.ToString() + ": job '" + job.name + "' needs '" + need +
                         "', which is in a later stage ('" + other->stage + "' comes after '" +
                         job.stage + "'); a job can only need jobs of its own or earlier stages");
      }
    }
  }

  std::vector<std::string> JobNames() const {
    std::vector<std::string> names;
    for (const auto& [name, stage] : stage_of_) names.push_back(name);
    return names;
  }

  /// Whether the job is in this pipeline after its `rules` or `only`/`except`; a matching rule's
  /// `when`, `allow_failure`, `variables` and `needs` replace the job's own.
  bool Included(const YAML::Node& node, const std::string& what, When& when, Job& job) {
    EnvVars variables = MergeEnv(
        {&context_.variables(), &pipeline_.variables, &job.variables, &choice_.custom_variables});
    KeyValue rules = FindKey(node, "rules");
    if (!rules.key) {
      std::string why;
      if (OnlyExceptInclude(node, file_, what, context_, variables, warnings_, &why)) return true;
      excluded_[job.name] = why;
      return false;
    }
    for (const char* older : {"only", "except"}) {
      if (KeyValue key = FindKey(node, older); key.key) {
        file_.Fail(key.key, what + ": '" + older + "' may not be used with 'rules'");
      }
    }
    RulesOutcome outcome = EvaluateRules(rules.value, file_, {what, "rules"}, context_, variables,
                                         warnings_, kJobRuleKeys);
    if (!outcome.included) {
      excluded_[job.name] = "its rules leave it out: " + outcome.why;
      return false;
    }
    if (outcome.when) when = *outcome.when;
    if (outcome.allow_failure) {
      AllowFailure allow =
          ReadAllowFailure(outcome.allow_failure, file_, {what, "rules:allow_failure"});
      job.allow_failure = allow.allowed;
      job.allow_failure_exit_codes = allow.exit_codes;
    }
    job.variables = MergeEnv({&job.variables, &outcome.variables});
    if (outcome.needs) ReadJobNeeds(outcome.needs, {what, "rules:needs"}, job);
    return true;
  }

  void ReadScripts(const YAML::Node& node, const Inherit& inherit, const std::string& what,
                   Job& job) {
    auto field = [&](const std::string& key) { return FieldName{what, key}; };
    // A job's own before_script/after_script replaces the default's, as in GitLab.
    if (node["before_script"]) {
      job.before_script = file_.StringList(node["before_script"], field("before_script").Text());
    } else if (inherit.Takes("before_script") && defaults_.before_script) {
      job.before_script = *defaults_.before_script;
    }
    if (node["after_script"]) {
      job.after_script = file_.StringList(node["after_script"], field("after_script").Text());
    } else if (inherit.Takes("after_script") && defaults_.after_script) {
      job.after_script = *defaults_.after_script;
    }
  }

  void ReadStage(const YAML::Node& node, const YAML::Node& key, const std::string& what, Job& job) {
    YAML::Node stage = node["stage"];
    job.stage = stage ? file_.Scalar(stage, what + ": 'stage'") : "test";
    if (std::find(pipeline_.stages.begin(), pipeline_.stages.end(), job.stage) !=
        pipeline_.stages.end()) {
      return;
    }
    file_.Fail(stage ? stage : key, what + ": stage '" + job.stage + "' is not in 'stages'" +
                                        DidYouMean(job.stage, pipeline_.stages));
  }

  void ReadJobImage(const YAML::Node& node, const Inherit& inherit, const std::string& what,
                    Job& job) {
    std::optional<ImageRef> image;
    if (YAML::Node own = node["image"]) {
      image = ReadImage(own, file_, {what, "image"});
      if (image->custom_entrypoint) warnings_.Add(own, kEntrypointWarning);
    } else if (inherit.Takes("image")) {
      image = defaults_.image;
    }
    if (!image) {
      job.image = Pipeline::kDefaultImage;
      return;
    }
    // GitLab expands variables in image names; only the file's are known before the run.
    std::vector<std::string> unknown;
    job.image = ExpandVariables(
        image->name, MergeEnv({&context_.predefined(), &pipeline_.variables, &job.variables}),
        &unknown);
    // A matrix's variables are added to each copy, whose image is expanded again then.
    bool matrix = node["parallel"] && node["parallel"].IsMap();
    if (!unknown.empty() && !matrix) {
      YAML::Node where = node["image"] ? node["image"] : FindKey(root_, "image").value;
      warnings_.Add(where, "image '" + image->name + "' uses $" + unknown.front() +
                               ", which the file does not define: it is pulled as written");
    }
  }

  void ReadJobNeeds(const YAML::Node& node, const FieldName& what, Job& job) {
    Needs needs = ReadNeeds(node, file_, what);
    if (needs.external) {
      warnings_.Add(needs.external, "'needs' on other projects or pipelines are skipped");
    }
    if (!needs.optional.empty()) optional_needs_[job.name] = needs.optional;
    job.needs = needs.jobs;
  }

  /// An optional need that names no job is dropped, as GitLab does; a need on a job that this
  /// pipeline leaves out is GitLab's error, said with why the job is out.
  void DropOptionalNeeds() {
    for (Job& job : pipeline_.jobs) {
      auto optional = optional_needs_.find(job.name);
      for (const std::string& need : job.needs ? *job.needs : std::vector<std::string>{}) {
        auto out = excluded_.find(need);
        if (out == excluded_.end() || pipeline_.FindJob(need) != nullptr) continue;
        if (optional != optional_needs_.end() && optional->second.count(need) != 0) continue;
        throw ParseError(job.location.ToString() + ": job '" + job.name + "' needs '" + need +
                         "', which is not in " + PipelineDescription() + " (" + out->second +
                         "); make the need optional or give both the same rules");
      }
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

  YAML::Node root_;
  const YamlFile& file_;
  const PipelineChoice& choice_;
  GitLabContext context_;
  /// Jobs this pipeline leaves out, with why.
  std::map<std::string, std::string> excluded_;
  /// Every job of the file (left out or not) with its stage, and its `dependencies`.
  std::map<std::string, std::string> stage_of_;
  struct Dependencies {
    YAML::Node node;
    std::vector<std::string> names;
  };
  std::map<std::string, Dependencies> dependencies_;
  JobTemplates templates_;
  ReferenceResolver references_;
  WarningList warnings_;
  Pipeline pipeline_;
  Defaults defaults_;
  std::map<std::string, std::set<std::string>> optional_needs_;
};

}  // namespace

Pipeline ReadNativePipeline(const YAML::Node& root, const YamlFile& file,
                            const PipelineChoice& choice) {
  GitLabContext context(choice, file.path());
  WarningList include_warnings(file);
  // GitLab keeps the last of a key written twice (Ruby's YAML does): warn, not refuse.
  std::vector<std::string> duplicates = TakeLastOfDuplicateKeys(root, file);
  YAML::Node merged = ResolveIncludes(root, file, context, include_warnings, duplicates);
  Pipeline pipeline = NativeReader(merged, file, choice).Read();
  pipeline.warnings.insert(pipeline.warnings.begin(), include_warnings.lines().begin(),
                           include_warnings.lines().end());
  pipeline.warnings.insert(pipeline.warnings.begin(), duplicates.begin(), duplicates.end());
  return pipeline;
}

}  // namespace pipeline::parse
