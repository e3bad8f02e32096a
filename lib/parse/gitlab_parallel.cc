#include "parse/gitlab_parallel.h"

#include <utility>

namespace pipeline::parse {
namespace {

/// One matrix entry's combinations, in GitLab's order (the first key varies slowest), each as
/// (name, value) pairs in key order.
std::vector<EnvVars> Combinations(const YAML::Node& entry, const YamlFile& file,
                                  const FieldName& field) {
  file.ExpectMap(entry, field.Text(), "a map of NAME: value or [values]");
  std::vector<EnvVars> result = {{}};
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    YAML::Node key = it->first;
    YAML::Node value = it->second;
    std::string name = file.Scalar(key, "a variable name in " + field.Text());
    std::vector<std::string> values;
    if (value.IsSequence()) {
      values = file.StringList(value, field.Text() + ": '" + name + "'");
    } else {
      values.push_back(file.Scalar(value, field.Text() + ": '" + name + "'"));
    }
    if (values.empty()) file.Fail(value, field.Text() + ": '" + name + "' has no values");
    std::vector<EnvVars> next;
    for (const EnvVars& partial : result) {
      for (const std::string& one : values) {
        EnvVars extended = partial;
        extended.emplace_back(name, one);
        next.push_back(std::move(extended));
      }
    }
    result = std::move(next);
  }
  return result;
}

std::string MatrixName(const std::string& job_name, const EnvVars& values) {
  std::string name = job_name + ": [";
  for (size_t i = 0; i < values.size(); ++i) name += (i == 0 ? "" : ", ") + values[i].second;
  return name + "]";
}

std::vector<EnvVars> MatrixCombinations(const YAML::Node& matrix, const YamlFile& file,
                                        const FieldName& field) {
  if (!matrix.IsSequence() || matrix.size() == 0) {
    file.Fail(matrix, field.Text() + " must be a list of maps of NAME: [values]");
  }
  std::vector<EnvVars> all;
  for (size_t i = 0; i < matrix.size(); ++i) {
    std::vector<EnvVars> some = Combinations(matrix[i], file, field);
    all.insert(all.end(), some.begin(), some.end());
    if (all.size() > kMaxParallelInstances) {
      file.Fail(matrix, field.Text() + " makes more than " + std::to_string(kMaxParallelInstances) +
                            " jobs (GitLab's limit)");
    }
  }
  return all;
}

}  // namespace

std::vector<ParallelInstance> ExpandParallel(const YAML::Node& node, const YamlFile& file,
                                             const FieldName& field, const std::string& job_name) {
  std::vector<ParallelInstance> instances;
  if (!node.IsMap()) {
    long count = file.Integer(node, field.Text());
    if (count < 1 || count > static_cast<long>(kMaxParallelInstances)) {
      file.Fail(node, field.Text() + " must be 1 to 200, not " + std::to_string(count));
    }
    // `parallel: 1` is allowed, and still named "job 1/1" by GitLab.
    for (long i = 1; i <= count; ++i) {
      std::string total = std::to_string(count);
      instances.push_back({job_name + " " + std::to_string(i) + "/" + total,
                           {{"CI_NODE_INDEX", std::to_string(i)}, {"CI_NODE_TOTAL", total}}});
    }
    return instances;
  }
  file.CheckKeys(node, {"matrix"}, field.Text());
  YAML::Node matrix = node["matrix"];
  if (!matrix) file.Fail(node, field.Text() + " as a map needs 'matrix'");
  std::vector<EnvVars> combinations = MatrixCombinations(matrix, file, field.Sub("matrix"));
  std::string total = std::to_string(combinations.size());
  for (size_t i = 0; i < combinations.size(); ++i) {
    ParallelInstance instance{MatrixName(job_name, combinations[i]), combinations[i]};
    instance.variables.emplace_back("CI_NODE_INDEX", std::to_string(i + 1));
    instance.variables.emplace_back("CI_NODE_TOTAL", total);
    instances.push_back(std::move(instance));
  }
  return instances;
}

std::vector<std::string> MatrixInstanceNames(const YAML::Node& matrix, const YamlFile& file,
                                             const FieldName& field, const std::string& job_name) {
  std::vector<std::string> names;
  for (const EnvVars& values : MatrixCombinations(matrix, file, field)) {
    names.push_back(MatrixName(job_name, values));
  }
  return names;
}

}  // namespace pipeline::parse
