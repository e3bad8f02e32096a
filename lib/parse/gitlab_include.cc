#include "parse/gitlab_include.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/glob.h"
#include "parse/extends.h"
#include "parse/gitlab_duplicates.h"
#include "parse/gitlab_rules.h"
#include "parse/native_fields.h"
#include "pipeline/errors.h"
#include "pipeline/fnv_hash.h"

namespace pipeline::parse {
namespace {

/// GitLab's limit on the files one pipeline includes, nested ones counted.
constexpr size_t kMaxIncludes = 150;
constexpr int kMaxDepth = 100;

/// Where GitLab's `include:template` files live.
const char kTemplateBase[] =
    "https://gitlab.com/gitlab-org/gitlab/-/raw/master/lib/gitlab/ci/templates/";

/// The cache file name of a URL: FNV-1a 64 of it, in hex (stable across builds and hosts).
std::string CacheName(const std::string& url) { return Fnv1a64Hex(url) + ".yml"; }

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::vector<std::string> kIncludeKeys = {"local",     "project",  "file",     "ref",
                                               "remote",    "template", "rules",    "inputs",
                                               "component", "cache",    "integrity"};

class IncludeResolver {
 public:
  IncludeResolver(const YamlFile& file, const GitLabContext& context, WarningList& warnings,
                  std::vector<std::string>& duplicates)
      : file_(file), context_(context), warnings_(warnings), duplicates_(duplicates) {}

  /// `root` with its includes merged under it.
  YAML::Node Resolve(const YAML::Node& root, int depth) {
    KeyValue include = root.IsMap() ? FindKey(root, "include") : KeyValue{};
    if (!include.key) return root;
    if (depth > kMaxDepth) file_.Fail(include.key, "'include' nests too deep (an include cycle?)");
    YAML::Node merged(YAML::NodeType::Map);
    std::vector<YAML::Node> entries;
    if (include.value.IsSequence()) {
      for (const YAML::Node& entry : include.value) entries.push_back(entry);
    } else {
      entries.push_back(include.value);
    }
    for (const YAML::Node& entry : entries) {
      for (const YAML::Node& included : Entry(entry)) {
        merged = DeepMerge(merged, Resolve(included, depth + 1));
      }
    }
    YAML::Node own(YAML::NodeType::Map);
    for (auto it = root.begin(); it != root.end(); ++it) {
      YAML::Node key = it->first;
      if (!(key.IsScalar() && key.Scalar() == "include")) own.force_insert(key, it->second);
    }
    return DeepMerge(merged, own);
  }

 private:
  /// The documents one include entry brings, in order.
  std::vector<YAML::Node> Entry(const YAML::Node& entry) {
    const FieldName field{"", "include"};
    if (entry.IsScalar()) {
      std::string text = entry.Scalar();
      if (text.find("://") != std::string::npos) return {Remote(entry, text, "remote")};
      return Local(entry, text);
    }
    file_.ExpectMap(entry, field.Text(), "a path or a map with local, project, remote, ...");
    file_.CheckKeys(entry, kIncludeKeys, field.Text());
    if (YAML::Node rules = entry["rules"]) {
      RulesOutcome outcome =
          EvaluateRules(rules, file_, field.Sub("rules"), context_, context_.variables(), warnings_,
                        {"if", "exists", "changes", "when"});
      if (!outcome.included) return {};
    }
    if (entry["local"])
      return Local(entry["local"], file_.Scalar(entry["local"], "'include:local'"));
    if (entry["project"]) return Project(entry);
    if (entry["remote"]) {
      return {Remote(entry["remote"], file_.Scalar(entry["remote"], "'include:remote'"), "remote")};
    }
    if (entry["template"]) {
      std::string name = file_.Scalar(entry["template"], "'include:template'");
      return {Remote(entry["template"], kTemplateBase + name, "template")};
    }
    if (entry["component"]) Refuse(entry["component"], "component");
    file_.Fail(entry, "'include' entry needs one of local, project, remote, template");
  }

  [[noreturn]] void Refuse(const YAML::Node& node, const std::string& kind) const {
    file_.Fail(node, "'include:" + kind +
                         "' needs the network, which a local run does not use: download the "
                         "file into the repository and include it with 'local'");
  }

  /// A URL's document: fetched (and cached) when a fetcher is given; the cached copy, with a
  /// warning, when the fetch fails for want of the network (EnvironmentError); else an error at
  /// the include's line: exit 3 (EnvironmentError) when the network failed and nothing is cached,
  /// exit 2 (ParseError) when the answer itself refuses (a 404, a plain http:// URL, ...).
  YAML::Node Remote(const YAML::Node& node, const std::string& url, const std::string& kind) {
    const PipelineChoice& choice = context_.choice();
    if (!choice.fetch_include) Refuse(node, kind);
    std::string cached =
        choice.include_cache_dir.empty() ? "" : choice.include_cache_dir + "/" + CacheName(url);
    std::string what = "'include:" + kind + "' " + url;
    try {
      std::string text = choice.fetch_include(url);
      if (!cached.empty()) Store(cached, text);
      return Parse(node, url, text);
    } catch (const ParseError&) {
      throw;
    } catch (const EnvironmentError& error) {
      std::optional<std::string> text = cached.empty() ? std::nullopt : ReadText(cached);
      if (!text) {
        throw EnvironmentError(file_.Where(node).ToString() + ": " + what + " cannot be fetched (" +
                               error.what() +
                               ") and no copy of it is cached: download it into the repository "
                               "and include it with 'local', or give a clone with --include-dir");
      }
      warnings_.Add(node, what + " cannot be fetched (" + error.what() +
                              "): using the copy cached in " + cached);
      return Parse(node, url, *text);
    } catch (const Error& error) {
      file_.Fail(node, what + " cannot be used: " + error.what());
    }
  }

  /// Writes the cache file whole or not at all (a rename), so a reader never sees half of it.
  static void Store(const std::string& path, const std::string& text) {
    std::string dir = path.substr(0, path.rfind('/'));
    std::error_code ignored;
    std::filesystem::create_directories(dir, ignored);
    std::string temporary = path + ".part";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << text;
      if (!out) return;  // a cache that cannot be written only costs the offline fallback
    }
    std::filesystem::rename(temporary, path, ignored);
  }

  std::vector<YAML::Node> Local(const YAML::Node& node, std::string path) {
    if (!path.empty() && path[0] == '/') path.erase(0, 1);
    std::vector<std::string> paths;
    if (path.find_first_of("*?[{") != std::string::npos) {
      for (const std::string& candidate : context_.RepoFiles()) {
        if (GlobMatch(path, candidate)) paths.push_back(candidate);
      }
      if (paths.empty()) file_.Fail(node, "'include:local' '" + path + "' matches no file");
    } else {
      paths.push_back(path);
    }
    std::vector<YAML::Node> documents;
    for (const std::string& one : paths) {
      documents.push_back(
          Load(node, context_.repo_root() + "/" + one, "'include:local' '" + one + "'"));
    }
    return documents;
  }

  std::vector<YAML::Node> Project(const YAML::Node& entry) {
    std::string project = file_.Scalar(entry["project"], "'include:project'");
    auto dir = context_.choice().include_dirs.find(project);
    if (dir == context_.choice().include_dirs.end()) {
      file_.Fail(entry["project"], "'include:project' '" + project +
                                       "' is another repository: give its files with "
                                       "--include-dir " +
                                       project + "=PATH");
    }
    if (!entry["file"]) file_.Fail(entry, "'include:project' needs 'file'");
    std::vector<YAML::Node> documents;
    for (std::string path : file_.StringList(entry["file"], "'include:file'")) {
      if (!path.empty() && path[0] == '/') path.erase(0, 1);
      documents.push_back(Load(entry["file"], dir->second + "/" + path,
                               "'include:project' " + project + " file '" + path + "'"));
    }
    return documents;
  }

  YAML::Node Load(const YAML::Node& where, const std::string& path, const std::string& what) {
    std::optional<std::string> text = ReadText(path);
    if (!text) file_.Fail(where, what + ": no such file (" + path + ")");
    return Parse(where, path, *text);
  }

  /// One included file's document; `name` (a path or URL) is what its own errors name.
  YAML::Node Parse(const YAML::Node& where, const std::string& name, const std::string& text) {
    if (++count_ > kMaxIncludes) {
      file_.Fail(where,
                 "more than " + std::to_string(kMaxIncludes) + " included files (GitLab's limit)");
    }
    YamlFile included(name);
    YAML::Node document = included.Load(text);
    for (std::string& line : TakeLastOfDuplicateKeys(document, included)) {
      duplicates_.push_back(std::move(line));
    }
    if (document.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!document.IsMap())
      included.Fail(document, "an included file must be a map of keywords and jobs");
    return document;
  }

  const YamlFile& file_;
  const GitLabContext& context_;
  WarningList& warnings_;
  std::vector<std::string>& duplicates_;
  size_t count_ = 0;
};

}  // namespace

YAML::Node ResolveIncludes(const YAML::Node& root, const YamlFile& file,
                           const GitLabContext& context, WarningList& warnings,
                           std::vector<std::string>& duplicates) {
  return IncludeResolver(file, context, warnings, duplicates).Resolve(root, 0);
}

}  // namespace pipeline::parse
