// `validate --strict`: will this pass in CI? Lists every key that behaves differently here.
#include "validate_strict.h"

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "pipeline/errors.h"
#include "pipeline/fidelity.h"
#include "pipeline/workspace.h"

namespace pipeline::cli {
namespace {

std::string PipelineText(const Pipeline& pipeline, const std::string& repo_root,
                         const std::string& commit) {
  if (!commit.empty()) {
    return workspace::ReadFileAtCommit(repo_root, commit, pipeline.file).value_or("");
  }
  std::ifstream in(pipeline.file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteReport(const std::string& path, const std::string& json) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << json << "\n";
  if (!out) throw EnvironmentError("--report-json " + path + ": cannot write it");
}

}  // namespace

int ReportDifferences(const Options& options, const Pipeline& pipeline,
                      const std::string& repo_root, const std::string& commit) {
  std::vector<Difference> differences =
      FindDifferences(pipeline, PipelineText(pipeline, repo_root, commit));
  std::string json = RenderDifferencesJson(pipeline, differences);
  if (!options.report_json_path.empty()) WriteReport(options.report_json_path, json);
  if (options.format == "json") {
    std::printf("%s\n", json.c_str());
  } else if (options.strict) {
    std::printf("%s", RenderDifferencesText(pipeline, differences).c_str());
  }
  return options.strict && !differences.empty() ? 1 : 0;
}

}  // namespace pipeline::cli
