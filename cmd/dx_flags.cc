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

const FlagGroup kDebugFlags = {
    "Debugging",
    {{"-i,--shell-on-failure", nullptr,
      "When a job fails, open a shell (a terminal on stdin is needed) in a copy of its container "
      "as the failing command left it: its files, workspace, variables and working directory, "
      "its services still up. The failing command is printed; exiting the shell removes the "
      "copy and the run goes on as without the flag. Jobs run one at a time",
      [](Options& o, const std::string&, const std::string&) { o.shell_on_failure = true; }},
     {"--watch", nullptr,
      "Run, then run again whenever a file of the work tree (not .git, not ignored) or the "
      "pipeline file changes: a run in progress is stopped and cleaned up first, a broken "
      "pipeline file is reported and nothing runs until it is fixed, and jobs whose declared "
      "inputs (as for --changed-only) the change did not touch reuse their last passing run. "
      "Ctrl-C stops (exit 130)",
      [](Options& o, const std::string&, const std::string&) { o.watch = true; }}}};

}  // namespace pipeline::cli
