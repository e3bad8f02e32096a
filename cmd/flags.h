#ifndef PIPELINE_CMD_FLAGS_H_
#define PIPELINE_CMD_FLAGS_H_

#include "command_table.h"

namespace pipeline::cli {

/// The flag groups commands share; each flag is defined once, in flags.cc, with its check.
extern const FlagGroup kSourceFlags;      ///< -f, -C, --commit, --include-dir
extern const FlagGroup kPlanFormatFlags;  ///< plan --format
extern const FlagGroup kSelectionFlags;   ///< --ref, --tag, --pipeline, --pr-id, ..., --job
extern const FlagGroup kJobEnvironmentFlags;
extern const FlagGroup kLimitFlags;
extern const FlagGroup kBackendFlags;  ///< run: --backend, --constraint, --schedule-timeout
extern const FlagGroup kReportFlags;
extern const FlagGroup kRunOutputFlags;   ///< -q, -v, --no-color, --log-format
extern const FlagGroup kOutputFlags;      ///< -v, --no-color, --log-format
extern const FlagGroup kRepositoryFlags;  ///< -C alone (cache)
extern const FlagGroup kHookFlags;        ///< -C, --server, --token-file, --repo
extern const FlagGroup kArtifactsFlags;   ///< --to
extern const FlagGroup kPruneFlags;       ///< --all
extern const FlagGroup kCacheFlags;       ///< --all
extern const FlagGroup kHistoryFlags;   ///< run: --no-history, --store, --keep-* (history_flags.cc)
extern const FlagGroup kValidateFlags;  ///< validate: --strict, --format, --report-json
extern const FlagGroup kChangeFlags;    ///< run: --since, --changed-only (dx_flags.cc)
extern const FlagGroup kDebugFlags;     ///< run: -i/--shell-on-failure, --watch (dx_flags.cc)
extern const FlagGroup kRunsFlags;      ///< runs: --repo, --status, --limit, --format, -f, ...
extern const FlagGroup kRunUsageFlags;  ///< run: --no-usage, --cost (usage_flags.cc)
extern const FlagGroup kRunsUsageFlags;    ///< runs: --usage, --cost
extern const FlagGroup kUsageReportFlags;  ///< report: --period, --repo, --format, --runs, ...

/// The ApplyValue of a switch that sets `field`, and of a flag whose value is kept as written.
template <bool Options::*field>
void SetSwitch(Options& options, const std::string&, const std::string&) {
  options.*field = true;
}
template <std::string Options::*field>
void SetText(Options& options, const std::string&, const std::string& value) {
  options.*field = value;
}

/// Positional arguments' checks.
void ApplyHookAction(Options& options, const std::string& name, const std::string& value);
void ApplyCacheAction(Options& options, const std::string& name, const std::string& value);
void ApplyArtifactsRun(Options& options, const std::string& name, const std::string& value);
void ApplyHelpTopic(Options& options, const std::string& name, const std::string& value);
void ApplyRunsAction(Options& options, const std::string& name, const std::string& value);
void ApplyRunsRun(Options& options, const std::string& name, const std::string& value);
void ApplyRunsJob(Options& options, const std::string& name, const std::string& value);

/// Checks across flags: --pr-destination needs --pr-id, --pr-id is not for a tag.
void CheckSelection(const Options& options);
/// `hook` needs its action (unless --help).
void CheckHook(const Options& options);
/// `runs show|logs` need a RUN; only `logs` takes a JOB and --follow.
void CheckRuns(const Options& options);
/// `artifacts --to` needs a RUN.
void CheckArtifacts(const Options& options);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_FLAGS_H_
