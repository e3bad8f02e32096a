// Flags of `validate --strict` and of the change-aware run (README: "Will this pass in CI?",
// "Run only what changed").
#include "flags.h"
#include "pipeline/errors.h"

namespace pipeline::cli {

const FlagGroup kValidateFlags = {
    "Fidelity",
    {{"--strict", nullptr,
      "List every key that behaves differently here than in the cloud (not honoured, warned, "
      "emulated, limits that differ) and exit 1 when there is any",
      SetSwitch<&Options::strict>},
     {"--format", "FORMAT",
      "text (default) or json: {\"file\", \"cloud\", \"count\", \"differences\": [{\"kind\", "
      "\"where\", \"key\", \"text\"}]} on stdout",
      [](Options& o, const std::string& flag, const std::string& v) {
        if (v != "text" && v != "json") {
          throw UsageError("option '" + flag + "' wants text or json, not '" + v + "'");
        }
        o.format = v;
      }},
     {"--report-json", "PATH", "Also write that JSON to PATH",
      SetText<&Options::report_json_path>}}};

const FlagGroup kChangeFlags = {
    "Changed files",
    {{"--since", "REF",
      "Conditions on changed files (Bitbucket condition.changesets, GitLab rules:changes and "
      "only:changes) see what changed since REF: from the merge base of REF and the commit "
      "run, plus uncommitted changes without --commit (default: HEAD's last commit plus "
      "uncommitted changes; the pre-push hook passes the pushed range)",
      SetText<&Options::since>},
     {"--changed-only", nullptr,
      "Also skip jobs whose declared inputs did not change: their 'changes' or changesets, their "
      "caches' key files; a job declaring none runs. The summary says why each one was skipped",
      SetSwitch<&Options::changed_only>}}};

}  // namespace pipeline::cli
