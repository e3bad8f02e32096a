// The command table: every command of docker-pipeline with its arguments, flags, help and
// function. The parser (options.cc), the help (help.cc) and Main (cli_main.cc) read only this.
#include "command_table.h"

#include <cstdio>

#include "commands.h"
#include "flags.h"
#include "runs_command.h"
#include "serve_command.h"
#include "usage_command.h"

namespace pipeline::cli {
namespace {

int VersionCommand(const Options&, const Logging&) {
  std::printf("docker-pipeline %s\n", PIPELINE_VERSION);
  return 0;
}

constexpr const char* kDockerFooter =
    R"(Docker is found as the docker CLI finds it: -H/--context before 'pipeline', DOCKER_HOST,
DOCKER_CONTEXT, the current context in ~/.docker/config.json, /var/run/docker.sock.
)";

constexpr const char* kRunFooter =
    R"(Docker is found as the docker CLI finds it: -H/--context before 'pipeline', DOCKER_HOST,
DOCKER_CONTEXT, the current context in ~/.docker/config.json, /var/run/docker.sock.

Exit codes: 0 passed, 1 a job failed, 2 usage or pipeline-file error, 3 environment error
(Docker unreachable, image missing, not a git repository), 124 the pipeline's time limit ran
out, 130 interrupted.
)";

constexpr const char* kSelectionFooter =
    R"(The pipeline and jobs are chosen as 'run' would choose them with the same flags.
Exit codes: 0 ok, 2 usage or pipeline-file error, 3 environment error (not a git repository).
)";

}  // namespace

// HOW TO ADD A COMMAND: write its function (int Name(const Options&, const Logging&), in
// commands.cc or a file of its own, declared in commands.h), then add one entry below: name,
// summary, positional arguments, flag groups (shared ones are in flags.h; new flags go there
// with their check, and new fields into Options), description, examples, footer, function and
// an optional check across flags. Parsing, `--help`, `help NAME`, the overview, "did you mean"
// and the tests in tests/unit/cmd/command_table_test.cc pick it up from here.
const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"run",
       "Run the pipeline (the default command)",
       {},
       {&kSourceFlags, &kSelectionFlags, &kJobEnvironmentFlags, &kLimitFlags, &kBackendFlags,
        &kReportFlags, &kHistoryFlags, &kRunUsageFlags, &kChangeFlags, &kDebugFlags,
        &kRunOutputFlags},
       R"(Run the pipeline: parse, plan, snapshot the repository with libgit2, run each job in its own
container, stream the output, print a summary. Ctrl-C once stops the jobs gracefully and cleans
up (exit 130); a second Ctrl-C stops them at once and still cleans up. 'run' is the default
command: 'docker pipeline -f ci.yml' is 'docker pipeline run -f ci.yml'.
)",
       R"(  docker pipeline run                      # the working tree, uncommitted edits included
  docker pipeline run --commit HEAD~1      # exactly that commit's tree
  docker pipeline run --job test           # only test and the jobs it needs
  docker pipeline run --since origin/main  # changesets / rules:changes see the branch's changes
  docker pipeline run -i                   # a shell where a failing job stopped
  docker pipeline run --watch              # again on every saved change
  docker pipeline run --pipeline custom/deploy --var ENV=staging
  docker pipeline run --pr-id 7 --pr-destination main
  docker pipeline run -e CI_DEBUG=1 --secret NPM_TOKEN -j 2 --memory 2g
  docker pipeline run --junit report.xml --report-json run.json -q
)",
       kRunFooter,
       RunCommand,
       CheckSelection},
      {"validate",
       "Check the pipeline file and its job graph; run nothing",
       {},
       {&kSourceFlags, &kSelectionFlags, &kValidateFlags, &kOutputFlags},
       R"(Parse the pipeline file and build the job graph of the pipeline 'run' would run, without running
anything. Prints the number of jobs and levels, or the first error with file:line:column (exit 2).
With --strict, also lists how a run here would differ from one in the cloud, and exits 1 when
it would (a CI job or the hook can then require a faithful local run).
)",
       R"(  docker pipeline validate
  docker pipeline validate --strict
  docker pipeline validate --format json --report-json fidelity.json
  docker pipeline validate -f ci/other.yml
  docker pipeline validate --pipeline custom/deploy --var ENV=staging
)",
       kSelectionFooter,
       ValidateCommand,
       CheckSelection},
      {"plan",
       "Print the order the jobs would run in; run nothing",
       {},
       {&kSourceFlags, &kSelectionFlags, &kPlanFormatFlags, &kOutputFlags},
       R"(Print the jobs in the order they would start, with the jobs each one waits for, its stage, image,
runner labels and pipes. Jobs on the same level may run at the same time. Runs nothing.
)",
       R"(  docker pipeline plan
  docker pipeline plan --job deploy        # deploy and what it needs
  docker pipeline plan --tag v1.2.0        # the tags pipeline v1.2.0 would run
  docker pipeline plan --format json --pipeline merge_request_event   # GitLab MR pipeline
  docker pipeline plan --format dot | dot -Tsvg > graph.svg            # the job graph, drawn
)",
       kSelectionFooter,
       PlanCommand,
       CheckSelection},
      {"list",
       "List the file's pipelines (Bitbucket: default, branches, tags, custom) and their jobs",
       {},
       {&kSourceFlags, &kSelectionFlags, &kOutputFlags},
       R"(List the pipelines the file defines (a Bitbucket file has default, branches/..., tags/...,
pull-requests/..., custom/...; a native file has one), mark the one 'run' would pick (for the
current branch, or as the flags below choose), and list its jobs. Runs nothing.
)",
       R"(  docker pipeline list
  docker pipeline list --ref refs/heads/release/2.0
  docker pipeline list --pr-id 7
)",
       kSelectionFooter,
       ListCommand,
       CheckSelection},
      {"runs",
       "The run history: list runs, show one, print or follow its logs, rerun one, prune old ones",
       {{"action", "[show|logs|rerun|prune]", ApplyRunsAction},
        {"run", "[RUN]", ApplyRunsRun},
        {"job", "[JOB]", ApplyRunsJob}},
       {&kRunsFlags, &kRunsUsageFlags, &kJobEnvironmentFlags, &kOutputFlags},
       R"(Every 'run' (and pre-push hook run) is recorded with its jobs and their masked output, in a
SQLite file or a PostgreSQL database (docs/history.md).
  runs             List runs, newest first: id, status, repository, ref, commit, trigger, start
                   and duration
  runs show RUN    One run: its status and reason, and each job's status, exit code, attempts,
                   start, duration, peak memory and CPU time
  runs logs RUN    The run's output, each line prefixed by its job; with JOB only that job's, as
                   printed. -f follows a live run until it ends
  runs rerun RUN   Run again what RUN ran: its repository, commit, pipeline, ref and selection
                   (--job, --var, --manual). -e, --secret and variables files are not recorded:
                   give them again. --from-failed leaves out the jobs that passed (the jobs
                   after them get the artifacts those kept) and runs the rest
  runs prune       Remove finished runs beyond the retention now (each command also does it)
With --usage: each run's CPU, peak memory, wall time and build minutes; 'show RUN --usage'
adds each job's usage (docs/usage.md).
RUN is a run id, a unique beginning of one, or 'last' (the newest, of --repo if given).
A run whose runner died (killed, machine rebooted) shows as aborted from the next command on.
)",
       R"(  docker pipeline runs --status failed --limit 5
  docker pipeline runs show last
  docker pipeline runs logs 20261206-0713 test
  docker pipeline runs logs last -f
  docker pipeline runs rerun last --from-failed --secret NPM_TOKEN
  docker pipeline runs prune --keep-runs 50
  docker pipeline runs --usage
  docker pipeline runs show last --usage
)",
       nullptr,
       RunsCommand,
       CheckRuns},
      {"serve",
       "Serve the HTTP API that triggers, queues, streams and cancels runs (docs/api.md)",
       {},
       {&kServeFlags, &kLimitFlags, &kOutputFlags},
       R"(Run the pipeline service: an HTTP API (docs/api.md) that runs commits of the registered
repositories (--repo) on this machine's Docker, queued by priority, at most --concurrency at
once, recorded in the run history (the 'runs' commands read it too). A run is of a commit, as
'run --commit' runs it: the service never runs a working tree or a path from a request.
Without a token it listens on loopback only. SIGINT/SIGTERM stop it: running runs end
cancelled, queued runs stay queued for the next start.
)",
       R"(  docker pipeline serve --repo app=$HOME/src/app
  DOCKER_PIPELINE_TOKEN=$(openssl rand -hex 32) docker pipeline serve --listen 0.0.0.0:8080 \
      --repo app=/srv/git/app.git --concurrency 4 --store postgresql://ci@db:5432/pipeline
  curl -X POST -d '{"ref": "main"}' localhost:8080/api/v1/repos/app/pipelines/run
)",
       kDockerFooter,
       ServeCommand,
       CheckServe},
      {"report",
       "Usage and cost over a day, week or month: totals, build minutes saved, suggestions",
       {},
       {&kUsageReportFlags, &kOutputFlags},
       R"(Totals of what the recorded runs of the last day, week or month used (CPU, memory, network,
disk, wall time, waits, image pulls, logs and artifacts), per repository, pipeline, job and
trigger; the build minutes the runs would have used on Bitbucket (a step's minutes rounded up,
times its size) and on GitLab (minutes times the cost factor), i.e. the minutes saved by running
locally; money at the cost model's prices (all 0 unless set); and suggestions, each with its
evidence: a job whose peak memory stayed under a quarter of its limit, a job that is most of
the pipeline's wall time, image pulls at the start of every run (docs/usage.md).
)",
       R"(  docker pipeline report
  docker pipeline report --period week --repo shop --format csv > week.csv
  docker pipeline report --format json --cost ~/prices.conf
)",
       nullptr,
       ReportCommand},
      {"artifacts",
       "List the artifacts kept from earlier runs, or extract one run's",
       {{"run", "[RUN]", ApplyArtifactsRun}},
       {&kArtifactsFlags},
       R"(Without RUN: list the runs whose jobs left artifacts (newest first), with each job's files.
With RUN: copy that run's artifacts into DIR (default ./artifacts-RUN), one folder per job.
Artifacts are kept in $XDG_STATE_HOME/docker-pipeline/artifacts (~/.local/state/...) for 14 days.
Symlinks are extracted as links; nothing is written through a link already in DIR.
)",
       R"(  docker pipeline artifacts
  docker pipeline artifacts 20261206-065512-3f2a9c --to out
)",
       nullptr,
       ArtifactsCommand,
       CheckArtifacts},
      {"cache",
       "List (cache list) or remove (cache clear) this repository's cache volumes (--all: every "
       "repository's)",
       {{"action", "[list|clear]", ApplyCacheAction}},
       {&kCacheFlags},
       R"(list   (the default) Print the cache volumes runs of this repository keep: the cache's name, its
       volume and its age. A cache older than 7 days has expired: the next run that uses it
       discards it and saves it afresh, as Bitbucket Cloud does. Caches are keyed by the
       repository (its origin URL, else its git directory), not by its folder's name.
clear  Remove them; the next run saves each cache afresh.
)",
       R"(  docker pipeline cache
  docker pipeline cache clear --all
)",
       kDockerFooter,
       CacheCommand},
      {"prune",
       "Remove containers, networks and volumes left by runs that died",
       {},
       {&kPruneFlags, &kOutputFlags},
       R"(Remove every container, network and volume (on a swarm manager also service and secret)
carrying docker-pipeline's labels whose run's process is gone, and the workspaces such runs left
on this host. Prints how many objects it removed.
Cache volumes are kept ('cache clear' removes them).
)",
       nullptr,
       kDockerFooter,
       PruneCommand},
      {"nodes",
       "List the swarm's nodes, where --backend swarm runs jobs",
       {},
       {&kOutputFlags},
       R"(List the nodes of the swarm the Docker daemon manages (the workers of 'run --backend swarm'):
id, host name, role (* the leader), state, availability, the node labels that --constraint and
runs-on / tags match, and the jobs of ours running on each (RUN/JOB). Label a node with
'docker node update --label-add pool=ci NODE' (docs/scale.md).
)",
       R"(  docker pipeline nodes
  docker --context swarm-manager pipeline nodes
)",
       kDockerFooter,
       NodesCommand},
      {"hook",
       "Install or uninstall the git pre-push hook that runs the pipeline before a push, or the "
       "post-receive hook that has the pipeline service run what was pushed",
       {{"action", "install|uninstall|notify", ApplyHookAction}},
       {&kHookFlags},
       R"(install    Put a pre-push hook into the repository (core.hooksPath is respected). An existing
           pre-push hook is kept as pre-push.docker-pipeline-previous and still runs first.
           On `git push`, the hook runs the pipeline on exactly each pushed commit (not your
           working tree) and refuses the push when it fails, printing the summary and the path
           of the full log. Skip it with `git push --no-verify` or DOCKER_PIPELINE_SKIP=1.
           With --server URL (in the repository pushed to, usually a bare one on the build
           box): a post-receive hook instead. After each push it asks the pipeline service
           (docker pipeline serve) to run every pushed branch and tag at its new commit
           (POST /api/v1/repos/NAME/pipelines/run); deleted refs run nothing. The token is
           read from --token-file at each push, never written into the hook.
uninstall  Remove our hooks and put back the ones they replaced.
notify     What the post-receive hook runs: reads "OLD NEW REF" lines on stdin and asks the
           service to run each REF at NEW.
)",
       R"(  docker pipeline hook install
  docker pipeline hook uninstall -C ~/src/app
  docker pipeline hook install -C /srv/git/app.git --server http://127.0.0.1:8080 \
      --token-file /etc/docker-pipeline/token
)",
       nullptr,
       HookCommand,
       CheckHook},
      {"version",
       "Print the version",
       {},
       {},
       "Print docker-pipeline's version.\n",
       nullptr,
       nullptr,
       VersionCommand},
      {"help",
       "Print the help of a command, or this overview",
       {{"command", "[COMMAND]", ApplyHelpTopic}},
       {},
       "Print COMMAND's help (as 'docker pipeline COMMAND --help' does), or the overview.\n",
       nullptr,
       nullptr,
       nullptr},
  };
  return commands;
}

const Command* FindCommand(const std::vector<Command>& commands, const std::string& name) {
  for (const Command& command : commands) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

std::vector<std::string> FlagNames(const Flag& flag) {
  std::vector<std::string> names;
  std::string all = flag.names;
  for (size_t start = 0; start <= all.size();) {
    size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    names.push_back(all.substr(start, comma - start));
    start = comma + 1;
  }
  return names;
}

}  // namespace pipeline::cli
