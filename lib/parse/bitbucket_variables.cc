#include "parse/bitbucket_variables.h"

namespace pipeline::parse {

void ForEachVariable(const YAML::Node& variables, const std::string& what, const std::string& key,
                     const std::string& name_what, const YamlFile& file,
                     const std::function<void(const std::string&, const YAML::Node&)>& take) {
  if (!variables.IsMap() && !variables.IsNull()) {
    file.Fail(variables, what + ": " + key + " must be a map of NAME: value");
  }
  for (auto it = variables.begin(); it != variables.end(); ++it) {
    take(file.Scalar(it->first, what + ": " + name_what), it->second);
  }
}

}  // namespace pipeline::parse
