#ifndef PIPELINE_CMD_OPTIONS_H_
#define PIPELINE_CMD_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "pipeline/docker.h"
#include "pipeline/log.h"
#include "pipeline/model.h"
#include "pipeline/run.h"
#include "pipeline/service.h"

namespace pipeline::cli {

/// Everything the command line says, already validated. Parsing does no I/O.
struct Options {
  std::string command = "run";  ///< a name from the command table, or "metadata"
  bool help = false;            ///< --help or `help COMMAND`: print the command's help, exit 0
  std::string help_topic;       ///< help COMMAND: the COMMAND as given

  docker::EndpointOptions endpoint;  ///< docker's global flags (-H, --context, --config)

  std::string file;             ///< -f: the pipeline file; empty = look in the repo root
  std::string directory = ".";  ///< -C: where the repository is
  std::string commit;           ///< --commit: run exactly this revision
  std::string ref;              ///< --ref: the git ref being tested (refs/heads/x, refs/tags/v1)
  std::string hook_action;      ///< hook install | uninstall | notify
  std::string hook_server;      ///< hook install|notify --server URL: the pipeline service
  std::string hook_token_file;  ///< hook install|notify --token-file FILE: its bearer token
  std::string hook_repo;        ///< hook install|notify --repo NAME: the repository's name there
  std::string cache_action = "list";   ///< cache list | clear
  std::string artifacts_run;           ///< artifacts RUN: the run whose artifacts to extract
  std::string artifacts_to;            ///< artifacts RUN --to DIR
  std::vector<std::string> only_jobs;  ///< --job (repeatable)
  std::string pipeline;                ///< --pipeline: which of a Bitbucket file's pipelines
  std::string tag;                     ///< --tag: build as if this tag were pushed
  std::string pr_id;                   ///< --pr-id: build as the pull request with this number
  std::string pr_destination;          ///< --pr-destination: that pull request's destination branch
  std::vector<std::string> var_args;   ///< --var NAME=VALUE: a custom pipeline's variables
  std::vector<std::string> include_dirs;  ///< --include-dir PROJECT=PATH (GitLab include:project)
  bool offline = false;         ///< --offline: GitLab include:remote/template from the cache only
  std::string format = "text";  ///< plan --format text|json
  bool run_manual = false;      ///< --manual: run manual jobs/steps too
  std::vector<std::string> env_args;  ///< -e as given: NAME=VALUE or NAME
  std::vector<std::string>
      secret_names;  ///< --secret NAME: a variable from our environment, masked
  std::vector<std::string> secrets_files;    ///< --secrets-file FILE: dotenv variables, all masked
  std::vector<std::string> variables_files;  ///< --variables-file [ENV=]FILE: dotenv variables
  std::optional<size_t> max_parallel;        ///< -j
  Resources overrides;                       ///< --memory, --cpus, --pids
  std::string user;                          ///< --user UID[:GID]: every job runs as it
  std::optional<std::chrono::seconds> pipeline_timeout;             ///< --timeout
  std::optional<std::chrono::seconds> job_timeout;                  ///< --job-timeout
  WorkspaceTransfer workspace_transfer = WorkspaceTransfer::kAuto;  ///< --workspace-transfer
  std::string backend = "local";                                   ///< --backend local|swarm
  std::vector<std::string> constraints;                            ///< --constraint (swarm)
  std::chrono::seconds schedule_timeout{60};                       ///< --schedule-timeout
  PullPolicy pull = PullPolicy::kMissing;
  LogFormat log_format = LogFormat::kText;
  std::string junit_path;        ///< --junit: write JUnit XML there
  std::string junit_dir;         ///< --junit-dir: one TEST-<stage>.xml per stage there
  std::string report_json_path;  ///< --report-json: write the JSON report there
  bool verbose = false;
  bool quiet = false;
  bool no_color = false;
  bool prune_all = false;  ///< prune --all: every object of ours, live owners included
  // Run history (cmd/run_history.h, cmd/runs_command.cc).
  std::string store_url;    ///< --store URL; empty: DOCKER_PIPELINE_STORE, then the default file
  bool no_history = false;  ///< --no-history: `run` records nothing
  std::optional<size_t> keep_runs;   ///< --keep-runs N (0: no limit)
  std::optional<int> keep_days;      ///< --keep-days D (0: no limit)
  std::string runs_action = "list";  ///< runs [show|logs|prune]
  std::string runs_run;              ///< runs show|logs RUN
  std::string runs_job;              ///< runs logs RUN JOB
  std::string runs_repo;             ///< runs --repo
  std::string runs_status;           ///< runs --status
  size_t runs_limit = 20;            ///< runs --limit
  bool runs_json = false;            ///< runs --format json
  bool runs_follow = false;          ///< runs logs -f
  bool rerun_from_failed = false;    ///< runs rerun --from-failed
  // The service (cmd/serve_command.cc).
  service::ServiceOptions serve;          ///< serve --listen, --repo, --concurrency, ...
  std::string serve_token_file;           ///< serve --token-file
  std::string serve_webhook_secret_file;  ///< serve --webhook-secret-file
  // Usage and cost (cmd/usage_command.cc, docs/usage.md).
  bool no_usage = false;               ///< run --no-usage: no stats sampling
  bool runs_usage = false;             ///< runs [show RUN] --usage
  std::string cost_path;               ///< --cost FILE; empty: DefaultCostModelPath()
  std::string usage_period = "month";  ///< report --period day|week|month
  std::string usage_format = "text";   ///< report --format text|json|csv
  std::string usage_repo;              ///< report --repo
  size_t usage_runs = 5;               ///< report --runs N: suggestions look at N runs
  // Beyond the cloud (cmd/dx_flags.cc): fidelity, changed files, the failure shell.
  bool strict = false;        ///< validate --strict: exit 1 when a run here differs from the cloud
  std::string since;          ///< run --since REF: changes are what REF.. changed
  bool changed_only = false;  ///< run --changed-only: skip jobs whose inputs did not change
  bool shell_on_failure = false;  ///< run -i: a shell in a failed job's container
  bool watch = false;             ///< run --watch: run again on every change
};

/// Parses argv (argv[0] excluded) with the command table (command_table.h). Docker's global
/// flags and the word `pipeline` that the docker CLI puts before our arguments when it runs us
/// as a plugin come first; no command means `run`. A flag the command does not take is a
/// UsageError with a "did you mean".
Options ParseOptions(const std::vector<std::string>& args);

/// The `-e` arguments as variables; NAME alone takes the value from `env` (skipped when unset).
EnvVars ResolveEnvArgs(const std::vector<std::string>& args, const docker::EnvLookup& env);

/// Help for `command` ("" for the overview), generated from the command table.
std::string HelpText(const std::string& command);

}  // namespace pipeline::cli

#endif  // PIPELINE_CMD_OPTIONS_H_
