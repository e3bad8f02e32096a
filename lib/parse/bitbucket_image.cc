#include "parse/bitbucket_image.h"

namespace pipeline::parse {

std::string ReadBitbucketImage(const YAML::Node& node, const std::string& what,
                               const YamlFile& file, WarningList& warnings) {
  if (!node.IsMap()) {
    std::string name = file.Scalar(node, what);
    if (name.empty()) file.Fail(node, what + " is empty");
    return name;
  }
  file.CheckKeys(node, {"name", "username", "password", "email", "run-as-user", "aws"}, what);
  if (!node["name"]) file.Fail(node, what + " needs a 'name'");
  std::string name = file.Scalar(node["name"], what + ": 'name'");
  if (name.empty()) file.Fail(node["name"], what + ": 'name' is empty");
  for (const char* key : {"username", "password", "email"}) {
    if (node[key]) file.Scalar(node[key], what + ": '" + key + "'");
  }
  if (node["username"].IsDefined() != node["password"].IsDefined()) {
    file.Fail(node, what + ": 'username' and 'password' go together");
  }
  if (YAML::Node aws = node["aws"]) {
    if (!aws.IsMap())
      file.Fail(aws, what + ": 'aws' must be a map of access-key and secret-key, or oidc-role");
    file.CheckKeys(aws, {"access-key", "secret-key", "oidc-role"}, what + ": 'aws'");
    bool keys = aws["access-key"] && aws["secret-key"];
    if (!keys && !aws["oidc-role"]) {
      file.Fail(aws, what + ": 'aws' needs 'access-key' and 'secret-key', or 'oidc-role'");
    }
  }
  if (node["username"] || node["aws"]) {
    warnings.Add(node, "registry credentials of '" + name +
                           "' are not used locally: the image is pulled with your own docker "
                           "login (run 'docker login' first if it is private)");
  }
  if (YAML::Node user = node["run-as-user"]) {
    long uid = file.Integer(user, what + ": 'run-as-user'");
    if (uid < 0) file.Fail(user, what + ": 'run-as-user' must be a user id of 0 or more");
  }
  return name;
}

std::string RunAsUserOf(const YAML::Node& image) {
  if (!image.IsMap() || !image["run-as-user"]) return "";
  // Checked by ReadBitbucketImage (YamlFile::Integer), so read it the same way.
  return std::to_string(std::stol(image["run-as-user"].Scalar()));
}

}  // namespace pipeline::parse
