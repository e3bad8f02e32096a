// `validate --strict`: what a local run does differently from the cloud. The readers' warnings
// are the first source; the keys they accept silently (they only matter on a GitLab server) and
// the behaviours we emulate (fidelity_emulated.cc) complete the list.
#include "pipeline/fidelity.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "parse/fidelity_emulated.h"
#include "parse/yaml_util.h"

namespace pipeline {
namespace {

using Kind = Difference::Kind;

/// Words of a reader's warning that say the key does nothing here.
const char* const kNotHonouredWords[] = {
    "not honoured", "not used",   "not evaluated", "not run",      "not fetched",  "not started",
    "not compared", "not looked", "are skipped",   "are left out", "cannot be run"};

/// GitLab job (and `default:`) keys the reader accepts without a word, with what happens here.
const std::map<std::string, std::pair<Kind, std::string>> kSilentGitLabKeys = {
    {"tags", {Kind::kLimit, "runner tags are not matched: every job runs on your docker daemon"}},
    {"id_tokens",
     {Kind::kLimit,
      "no OIDC ID tokens are issued: the variables it names are unset, so cloud logins that "
      "need them fail"}},
    {"interruptible",
     {Kind::kNotHonoured, "a newer run does not cancel this one (no auto-cancel locally)"}},
    {"resource_group",
     {Kind::kNotHonoured, "jobs of one resource group are not serialised across runs"}},
    {"coverage", {Kind::kNotHonoured, "the coverage regex is not applied to the job's output"}},
    {"release", {Kind::kNotHonoured, "no release is created"}},
    {"pages", {Kind::kNotHonoured, "nothing is published to GitLab Pages"}},
    {"hooks", {Kind::kNotHonoured, "runner hooks (pre_get_sources_script) are not run"}},
    {"identity", {Kind::kLimit, "no cloud identity (workload identity federation) is given"}},
    {"dast_configuration", {Kind::kNotHonoured, "DAST site and scanner profiles are not used"}},
    {"manual_confirmation",
     {Kind::kNotHonoured, "there is no confirmation: --manual or --job runs the job at once"}},
    {"start_in", {Kind::kNotHonoured, "a delayed job starts at once"}},
    {"environment",
     {Kind::kEmulated,
      "no deployment is recorded and no protected-environment approval is asked; "
      "--variables-file ENV=FILE gives the environment's variables"}},
};

/// `artifacts:` keys of GitLab that only the server acts on.
const std::map<std::string, std::string> kSilentArtifactKeys = {
    {"reports", "artifact reports (junit, coverage, dotenv, ...) are not uploaded or parsed"},
    {"expire_in", "artifacts are kept for 14 days whatever 'expire_in' says"},
    {"expose_as", "artifacts are not linked from a merge request"},
    {"public", "artifacts have no access control locally"},
    {"access", "artifacts have no access control locally"},
};

Kind ClassifyWarning(const std::string& message) {
  if (message.find("runs-on") != std::string::npos || message.find("oidc") != std::string::npos) {
    return Kind::kLimit;
  }
  for (const char* words : kNotHonouredWords) {
    if (message.find(words) != std::string::npos) return Kind::kNotHonoured;
  }
  return Kind::kWarned;
}

/// A reader's warning "file:line: message" as a difference; the key is the message's first
/// quoted word.
Difference FromWarning(const std::string& line) {
  Difference difference;
  size_t split = line.find(": ");
  difference.where = split == std::string::npos ? "" : line.substr(0, split);
  difference.text = split == std::string::npos ? line : line.substr(split + 2);
  size_t open = difference.text.find('\'');
  size_t close = open == std::string::npos ? open : difference.text.find('\'', open + 1);
  if (close != std::string::npos)
    difference.key = difference.text.substr(open + 1, close - open - 1);
  difference.kind = ClassifyWarning(difference.text);
  return difference;
}

std::string Place(const parse::YamlFile& file, const YAML::Node& node) {
  SourceLocation location = file.Where(node);
  return location.file + (location.line > 0 ? ":" + std::to_string(location.line) : "");
}

/// `changes` in `rules` items or in `only`/`except`: evaluated, against another range than
/// GitLab's unless the hook or --since gives the push's.
void ScanChanges(const parse::YamlFile& file, const YAML::Node& node,
                 std::vector<Difference>& out) {
  auto check = [&](const YAML::Node& map) {
    if (!map.IsMap()) return;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "changes") {
        out.push_back({Kind::kEmulated, Place(file, it->first), "changes",
                       std::string("'changes' are ") + parse::ChangesHow() +
                           "; GitLab compares with the push's previous commit and, for a new "
                           "branch, lets every job run"});
      }
    }
  };
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) check(item);
  }
  check(node);
}

/// The silent keys of one job, template or `default:` map.
void ScanJobKeys(const parse::YamlFile& file, const YAML::Node& job, std::vector<Difference>& out) {
  for (auto it = job.begin(); it != job.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    std::string key = it->first.Scalar();
    auto silent = kSilentGitLabKeys.find(key);
    if (silent != kSilentGitLabKeys.end()) {
      out.push_back({silent->second.first, Place(file, it->first), key, silent->second.second});
    }
    if (key == "rules" || key == "only" || key == "except") ScanChanges(file, it->second, out);
    if (key != "artifacts" || !it->second.IsMap()) continue;
    for (auto sub = it->second.begin(); sub != it->second.end(); ++sub) {
      if (!sub->first.IsScalar()) continue;
      auto found = kSilentArtifactKeys.find(sub->first.Scalar());
      if (found == kSilentArtifactKeys.end()) continue;
      out.push_back({Kind::kNotHonoured, Place(file, sub->first), "artifacts:" + found->first,
                     found->second});
    }
  }
}

/// Keys the GitLab reader accepts silently, wherever a job or a template writes them. A file
/// that does not load gives none: its error is the reader's to report.
std::vector<Difference> SilentGitLabKeys(const Pipeline& pipeline, const std::string& text) {
  std::vector<Difference> out;
  parse::YamlFile file(pipeline.file);
  YAML::Node root;
  try {
    root = file.Load(text);
  } catch (const std::exception&) {
    return out;
  }
  if (!root.IsMap()) return out;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsMap()) continue;
    const std::string name = it->first.Scalar();
    if (name == "variables" || name == "workflow" || name == "include" || name == "cache") {
      continue;
    }
    ScanJobKeys(file, it->second, out);
  }
  return out;
}

/// "file:12" sorts before "file:3" as text; compare the line as a number.
std::pair<std::string, long> SortPlace(const std::string& where) {
  size_t colon = where.rfind(':');
  if (colon == std::string::npos) return {where, 0};
  try {
    return {where.substr(0, colon), std::stol(where.substr(colon + 1))};
  } catch (const std::exception&) {
    return {where, 0};
  }
}

}  // namespace

std::vector<Difference> FindDifferences(const Pipeline& pipeline, const std::string& yaml_text) {
  std::vector<Difference> all;
  for (const std::string& warning : pipeline.warnings) all.push_back(FromWarning(warning));
  if (pipeline.format == Format::kNative) {
    std::vector<Difference> silent = SilentGitLabKeys(pipeline, yaml_text);
    all.insert(all.end(), silent.begin(), silent.end());
  }
  std::vector<Difference> emulated = parse::EmulatedDifferences(pipeline);
  all.insert(all.end(), emulated.begin(), emulated.end());
  // A message once, at its first place (a key used by ten jobs is one line, as with warnings).
  std::vector<Difference> unique;
  std::set<std::string> seen;
  for (const Difference& difference : all) {
    if (seen.insert(difference.key + "\n" + difference.text).second) unique.push_back(difference);
  }
  std::stable_sort(unique.begin(), unique.end(), [](const Difference& a, const Difference& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    return SortPlace(a.where) < SortPlace(b.where);
  });
  return unique;
}

}  // namespace pipeline
