#include "parse/bitbucket_items.h"

#include <algorithm>
#include <regex>
#include <set>

#include "model/spellcheck.h"
#include "pipeline/errors.h"

namespace pipeline::parse {
namespace {

constexpr size_t kMaxSteps = 100;  // the cloud's limit per pipeline

/// `base`, or `base (2)`, `base (3)`, ... whichever is not taken yet; records it as taken.
std::string Unique(const std::string& base, std::set<std::string>& taken) {
  std::string name = base;
  for (int n = 2; taken.count(name) != 0; ++n) name = base + " (" + std::to_string(n) + ")";
  taken.insert(name);
  return name;
}

class ItemsReader {
 public:
  ItemsReader(const std::string& name, const StepContext& context)
      : name_(name), what_("pipeline '" + name + "'"), context_(context), file_(context.file) {}

  BitbucketPipelineBody Read(const YAML::Node& items) {
    if (items.IsNull()) file_.Fail(items, what_ + " is empty: it needs a list of steps");
    if (!items.IsSequence()) {
      file_.Fail(items, what_ +
                            " must be a list of '- step:', '- parallel:' and '- stage:' "
                            "items, not " +
                            DescribeType(items));
    }
    bool first = true;
    for (const YAML::Node& item : items) {
      ReadItem(item, first);
      first = false;
    }
    if (jobs_.empty()) file_.Fail(items, what_ + " has no steps");
    for (size_t index : groups_.front()) {
      if (jobs_[index].manual) {
        throw ParseError(jobs_[index].location.ToString() + ": " + what_ +
                         ": the first step cannot be manual, as in the cloud: make it automatic, "
                         "or put a step before it");
      }
    }
    if (jobs_.size() > kMaxSteps) {
      file_.Fail(items, what_ + " has " + std::to_string(jobs_.size()) +
                            " steps; the cloud allows at most " + std::to_string(kMaxSteps));
    }
    return Finish();
  }

 private:
  /// `- step:` with its keys at the step's own indent leaves `step: null` beside them.
  void CheckEmptyStep(const YAML::Node& item) {
    for (auto it = item.begin(); it != item.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "step" && it->second.IsNull()) {
        file_.Fail(it->first, what_ + ": 'step' is empty: its keys must be indented under it");
      }
    }
  }

  void ReadItem(const YAML::Node& item, bool first) {
    if (!item.IsMap()) {
      file_.Fail(item, what_ + ": an item must be '- step:', '- parallel:' or '- stage:', not " +
                           DescribeType(item));
    }
    CheckEmptyStep(item);
    file_.CheckKeys(item, {"step", "parallel", "stage", "variables"}, what_);
    if (item.size() != 1) {
      file_.Fail(item, what_ +
                           ": an item holds one 'step', 'parallel' or 'stage': start each "
                           "with '- '");
    }
    YAML::Node key = item.begin()->first;
    YAML::Node value = item.begin()->second;
    std::string kind = key.Scalar();
    if (kind == "variables") {
      if (name_.rfind("custom/", 0) != 0) {
        file_.Fail(key, what_ + ": only custom pipelines take 'variables'");
      }
      if (!first) file_.Fail(key, what_ + ": 'variables' must be the first item");
      ReadVariables(value);
    } else if (kind == "step") {
      if (run_slot_ == kNoSlot) run_slot_ = AddSlot("", false);
      AddGroup({ReadStep(key, value)}, run_slot_);
    } else if (kind == "parallel") {
      if (run_slot_ == kNoSlot) run_slot_ = AddSlot("", false);
      ReadParallel(key, value);
    } else {
      ReadStage(key, value);
      run_slot_ = kNoSlot;
    }
  }

  BitbucketStep ReadStep(const YAML::Node& key, const YAML::Node& value) {
    return ReadBitbucketStep(key, value, context_);
  }

  /// The `step` of an item that may only be a step (in `parallel` and `stage`).
  BitbucketStep ReadStepItem(const YAML::Node& item, const std::string& where) {
    if (!item.IsMap()) {
      file_.Fail(item, what_ + ": the items of " + where + " must be '- step:', not " +
                           DescribeType(item));
    }
    CheckEmptyStep(item);
    file_.CheckKeys(item, {"step"}, what_ + ": " + where);
    if (item.size() != 1 || !item["step"]) {
      file_.Fail(item, what_ + ": the items of " + where + " must be '- step:'");
    }
    YAML::Node key = item.begin()->first;  // copies: the iterator hands out temporaries
    YAML::Node value = item.begin()->second;
    return ReadStep(key, value);
  }

  void ReadParallel(const YAML::Node& key, const YAML::Node& value) {
    std::optional<bool> fail_fast;
    if (value.IsMap()) {
      file_.CheckKeys(value, {"steps", "fail-fast"}, what_ + ": 'parallel'");
      if (!value["steps"]) file_.Fail(value, what_ + ": 'parallel' needs 'steps'");
      if (value["fail-fast"]) fail_fast = file_.Bool(value["fail-fast"], what_ + ": 'fail-fast'");
    }
    // Initialised once: assigning one YAML::Node to another would overwrite the first's node.
    const YAML::Node steps = value.IsMap() ? value["steps"] : value;
    if (steps.IsNull()) file_.Fail(key, what_ + ": 'parallel' has no steps");
    if (!steps.IsSequence()) {
      file_.Fail(steps, what_ +
                            ": 'parallel' must be a list of '- step:' items, or a map with "
                            "'steps' and 'fail-fast'");
    }
    std::vector<BitbucketStep> members;
    for (const YAML::Node& item : steps) members.push_back(ReadStepItem(item, "'parallel'"));
    if (members.empty()) file_.Fail(key, what_ + ": 'parallel' has no steps");
    for (size_t i = 0; i < members.size(); ++i) {
      Job& job = members[i].job;
      job.parallel_index = i;
      job.parallel_count = members.size();
      // A step's own fail-fast wins over its group's; without either the others finish.
      job.stop_running_on_failure = members[i].fail_fast.value_or(fail_fast.value_or(false));
    }
    AddGroup(std::move(members), run_slot_);
  }

  void ReadStage(const YAML::Node& key, const YAML::Node& value) {
    if (!value.IsMap()) file_.Fail(key, what_ + ": 'stage' must be a map with 'steps'");
    file_.CheckKeys(value, {"name", "steps", "deployment", "trigger", "condition"},
                    what_ + ": 'stage'");
    std::string name = value["name"] ? file_.Scalar(value["name"], "a stage's 'name'") : "";
    std::string what = name.empty() ? what_ + ": a stage" : what_ + ": stage '" + name + "'";
    std::string deployment;
    if (value["deployment"]) {
      deployment = file_.Scalar(value["deployment"], what + ": 'deployment'");
      if (deployment.empty()) file_.Fail(value["deployment"], what + ": 'deployment' is empty");
    }
    bool manual = value["trigger"] && ReadStepTrigger(value["trigger"], what, file_);
    StepCondition condition;
    if (value["condition"]) {
      condition = ReadStepCondition(value["condition"], what, file_, context_.warnings);
    }
    YAML::Node steps = value["steps"];
    if (!steps || steps.IsNull()) file_.Fail(key, what + " has no 'steps'");
    if (!steps.IsSequence())
      file_.Fail(steps, what + ": 'steps' must be a list of '- step:' items");
    size_t slot = AddSlot(name, true);
    bool first = true;
    for (const YAML::Node& item : steps) {
      BitbucketStep step = ReadStepItem(item, "a stage");
      const YAML::Node step_node = item["step"];
      if (step.has_condition) {
        file_.Fail(step_node["condition"],
                   what +
                       ": a step in a stage cannot have its own 'condition': put it on the "
                       "stage");
      }
      if (!deployment.empty()) {
        if (!step.job.deployment.empty()) {
          file_.Fail(step_node["deployment"],
                     what + ": a step in a stage with a 'deployment' cannot have its own");
        }
        step.job.deployment = deployment;
      }
      if (value["condition"]) {
        step.job.changeset_includes = condition.includes;
        step.job.changeset_excludes = condition.excludes;
      }
      // The cloud asks once for the whole stage; the later steps wait for the first anyway.
      if (manual && first) step.job.manual = step.job.manual_blocks = true;
      AddGroup({std::move(step)}, slot);
      first = false;
    }
    if (first) file_.Fail(steps, what + " has no steps");
  }

  void ReadVariables(const YAML::Node& node) {
    if (!node.IsSequence() || node.size() == 0) {
      file_.Fail(node, what_ + ": 'variables' must be a list of '- name: NAME' items");
    }
    static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
    for (const YAML::Node& item : node) {
      if (!item.IsMap()) file_.Fail(item, what_ + ": a variable must be a map with a 'name'");
      file_.CheckKeys(item, {"name", "default", "description", "allowed-values"},
                      what_ + ": a variable");
      if (!item["name"]) file_.Fail(item, what_ + ": a variable needs a 'name'");
      CustomVariable variable;
      variable.name = file_.Scalar(item["name"], what_ + ": a variable's 'name'");
      variable.location = file_.Where(item["name"]);
      if (!std::regex_match(variable.name, kName)) {
        file_.Fail(item["name"], what_ + ": '" + variable.name +
                                     "' is not a variable name "
                                     "(letters, digits and _, not starting with a digit)");
      }
      for (const CustomVariable& other : body_.variables) {
        if (other.name == variable.name) {
          file_.Fail(item["name"], what_ + ": variable '" + variable.name + "' is declared twice");
        }
      }
      std::string what = what_ + ": variable '" + variable.name + "'";
      if (item["description"]) file_.Scalar(item["description"], what + ": 'description'");
      if (item["default"])
        variable.default_value = file_.Scalar(item["default"], what + ": 'default'");
      if (YAML::Node allowed = item["allowed-values"]) {
        if (!allowed.IsSequence()) file_.Fail(allowed, what + ": 'allowed-values' must be a list");
        variable.allowed_values = file_.StringList(allowed, what + ": 'allowed-values'");
        if (variable.allowed_values.empty())
          file_.Fail(allowed, what + ": 'allowed-values' is empty");
        const auto& values = variable.allowed_values;
        if (variable.default_value &&
            std::find(values.begin(), values.end(), *variable.default_value) == values.end()) {
          file_.Fail(item["default"], what + ": the default '" + *variable.default_value +
                                          "' is not one of its 'allowed-values'");
        }
      }
      body_.variables.push_back(std::move(variable));
    }
  }

  size_t AddSlot(const std::string& name, bool is_stage) {
    slots_.push_back({name, is_stage});
    return slots_.size() - 1;
  }

  void AddGroup(std::vector<BitbucketStep> members, size_t slot) {
    std::vector<size_t> group;
    for (BitbucketStep& member : members) {
      group.push_back(jobs_.size());
      jobs_.push_back(std::move(member.job));
      job_slots_.push_back(slot);
    }
    groups_.push_back(std::move(group));
  }

  /// Names, stages and needs, once every step is read.
  BitbucketPipelineBody Finish() {
    std::set<std::string> taken_jobs;
    for (size_t i = 0; i < jobs_.size(); ++i) {
      std::string base = jobs_[i].name.empty() ? "Step " + std::to_string(i + 1) : jobs_[i].name;
      jobs_[i].name = Unique(base, taken_jobs);
    }
    std::set<std::string> taken_stages;
    std::vector<std::string> slot_names;
    size_t stage_count = 0;
    for (const Slot& slot : slots_) {
      std::string base = slot.name;
      if (slot.is_stage) ++stage_count;
      if (base.empty()) base = slot.is_stage ? "Stage " + std::to_string(stage_count) : "steps";
      slot_names.push_back(Unique(base, taken_stages));
    }
    body_.stages = slot_names;
    for (size_t i = 0; i < jobs_.size(); ++i) jobs_[i].stage = slot_names[job_slots_[i]];
    std::vector<std::string> previous;
    for (const std::vector<size_t>& group : groups_) {
      std::vector<std::string> names;
      for (size_t index : group) {
        jobs_[index].needs = previous;
        names.push_back(jobs_[index].name);
      }
      previous = std::move(names);
    }
    body_.jobs = std::move(jobs_);
    return std::move(body_);
  }

  struct Slot {
    std::string name;
    bool is_stage;
  };
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);

  std::string name_;
  std::string what_;
  const StepContext& context_;
  const YamlFile& file_;
  std::vector<Job> jobs_;
  std::vector<size_t> job_slots_;
  std::vector<std::vector<size_t>> groups_;
  std::vector<Slot> slots_;
  size_t run_slot_ = kNoSlot;
  BitbucketPipelineBody body_;
};

}  // namespace

BitbucketPipelineBody ReadBitbucketItems(const YAML::Node& items, const std::string& name,
                                         const StepContext& context) {
  return ItemsReader(name, context).Read(items);
}

}  // namespace pipeline::parse
