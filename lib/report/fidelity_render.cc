// `validate --strict` output: the differences from the cloud, for people and as JSON.
#include <string>
#include <vector>

#include "pipeline/fidelity.h"
#include "report/json_text.h"

namespace pipeline {
namespace {

using Kind = Difference::Kind;

constexpr Kind kKinds[] = {Kind::kNotHonoured, Kind::kWarned, Kind::kEmulated, Kind::kLimit};

/// The key's name, unless the text already quotes it.
std::string Line(const Difference& difference) {
  std::string line = "  " + difference.where + ": ";
  if (!difference.key.empty() && difference.text.find("'" + difference.key + "'") != 0) {
    line += difference.key + ": ";
  }
  return line + difference.text + "\n";
}

const char* JsonKind(Kind kind) {
  return kind == Kind::kNotHonoured ? "not_honoured" : KindName(kind);
}

}  // namespace

std::string RenderDifferencesText(const Pipeline& pipeline,
                                  const std::vector<Difference>& differences) {
  std::string out = pipeline.file + ": ";
  if (differences.empty()) {
    return out + "runs here as on " + CloudName(pipeline) + " (no differences found)\n";
  }
  out += std::to_string(differences.size()) + " difference" + (differences.size() == 1 ? "" : "s") +
         " from a run on " + CloudName(pipeline) + "\n";
  for (Kind kind : kKinds) {
    std::string lines;
    size_t count = 0;
    for (const Difference& difference : differences) {
      if (difference.kind != kind) continue;
      lines += Line(difference);
      ++count;
    }
    if (count > 0)
      out += std::string(KindName(kind)) + " (" + std::to_string(count) + "):\n" + lines;
  }
  return out;
}

std::string RenderDifferencesJson(const Pipeline& pipeline,
                                  const std::vector<Difference>& differences) {
  std::string out = "{\"file\":" + report::JsonString(pipeline.file) +
                    ",\"cloud\":" + report::JsonString(CloudName(pipeline)) +
                    ",\"count\":" + std::to_string(differences.size()) + ",\"differences\":[";
  for (size_t i = 0; i < differences.size(); ++i) {
    const Difference& difference = differences[i];
    out += std::string(i == 0 ? "" : ",") + "{\"kind\":\"" + JsonKind(difference.kind) +
           "\",\"where\":" + report::JsonString(difference.where) +
           ",\"key\":" + report::JsonString(difference.key) +
           ",\"text\":" + report::JsonString(difference.text) + "}";
  }
  return out + "]}";
}

}  // namespace pipeline
