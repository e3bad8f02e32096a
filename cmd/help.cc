#include "options.h"

namespace pipeline::cli {
namespace {

constexpr const char* kOverview = R"(Usage: docker pipeline [COMMAND] [OPTIONS]
       docker-pipeline [COMMAND] [OPTIONS]

Run this repository's CI pipeline locally, in Docker, as the CI service would.

Commands:
  run        Run the pipeline (the default command)
  validate   Check the pipeline file and its job graph; run nothing
  plan       Print the order the jobs would run in; run nothing
  list       List the file's pipelines (Bitbucket: default, branches, tags, custom) and their jobs
  artifacts  List the artifacts kept from earlier runs, or extract one run's
  cache      List (cache list) or remove (cache clear) this repository's cache volumes (--all: every
             repository's)
  prune      Remove containers, networks and volumes left by runs that died
  hook       Install or uninstall the git pre-push hook that runs the pipeline before a push
  version    Print the version

Pipeline files, looked for in the repository root: .pipeline.yml, bitbucket-pipelines.yml,
.gitlab-ci.yml (or give one with -f).

Exit codes: 0 passed, 1 a job failed, 2 usage or pipeline-file error, 3 environment error
(Docker unreachable, image missing, not a git repository), 124 the pipeline's time limit ran
out, 130 interrupted.

Run 'docker pipeline COMMAND --help' for a command's options.
)";

constexpr const char* kRunHelp = R"(Usage: docker pipeline run [OPTIONS]

Run the pipeline: parse, plan, snapshot the repository with libgit2, run each job in its own
container, stream the output, print a summary. Ctrl-C once stops the jobs gracefully and cleans
up (exit 130); a second Ctrl-C stops them at once and still cleans up.

Options:
  -f, --file FILE          Pipeline file (default: first of .pipeline.yml, bitbucket-pipelines.yml,
                           .gitlab-ci.yml in the repository root)
  -C, --directory DIR      Repository to run in (default: the current directory)
      --commit REV         Run exactly this commit's tree (and its pipeline file) instead of
                           the working tree
      --ref REF            The git ref being tested (refs/heads/NAME or refs/tags/NAME); sets
                           the branch or tag variables (default: the current branch)
      --job NAME           Run only this job and the jobs it needs (repeatable)
      --pipeline NAME      Bitbucket: run this pipeline (default, branches/main, tags/v*,
                           custom/deploy) instead of the one the cloud would pick for the branch;
                           GitLab: the pipeline source rules see (push, web, schedule,
                           merge_request_event, ...; default push)
      --tag TAG            Build as if TAG were pushed (selects a tags pipeline, sets the variables)
      --pr-id N            Bitbucket: build as pull request N from the current (or --ref) branch:
                           selects the pull-requests pipeline matching it, sets BITBUCKET_PR_ID
      --pr-destination BRANCH
                           That pull request's destination: BITBUCKET_PR_DESTINATION_BRANCH, and
                           _COMMIT when the branch exists locally
      --var NAME=VALUE     A custom pipeline's variable; GitLab: a pipeline variable that rules
                           see (repeatable)
      --include-dir PROJECT=PATH
                           GitLab: `include: project: PROJECT` reads its files from PATH
      --manual             Also run manual jobs and steps (else a manual Bitbucket step stops the
                           run there, as the cloud pauses)
  -e, --env NAME[=VALUE]   Set a variable in every job (NAME alone: from your environment);
                           wins over the pipeline's and the job's variables (repeatable)
      --secret NAME        Pass variable NAME from your environment to every job and hide its
                           value as *** in all output (repeatable; at least 8 characters,
                           and a value of several lines needs one line that long)
      --secrets-file FILE  The same for every NAME=VALUE of a dotenv file (repeatable)
      --variables-file [ENV=]FILE
                           Repository variables from a dotenv file for every job, or with ENV=
                           deployment variables for the jobs deploying to ENV (repeatable)
  -j, --jobs N             Run at most N jobs at once (default: 4)
      --memory SIZE        Memory limit of every job, swap included (default: 4g, or the job's)
      --cpus N             CPU limit of every job (default: none, or the job's)
      --pids N             Process limit of every job (default: 1024, or the job's)
      --user UID[:GID]     Run every job as this user, e.g. $(id -u):$(id -g) to run as
                           yourself (default: the image's user, or Bitbucket's run-as-user)
      --timeout DURATION   Time limit of the whole pipeline (exit 124 when it runs out)
      --job-timeout DUR    Time limit of a job that sets none (default: 1h)
      --pull POLICY        never, missing (default) or always
      --log-format FORMAT  text (default) or json: one JSON object per event on stdout
      --junit PATH         Write a JUnit XML report (one testsuite per stage, one testcase per job)
      --junit-dir DIR      Write one TEST-<stage>.xml per stage (Ant / Maven Surefire layout)
      --report-json PATH   Write the run as a JSON report (status, exit code, timings per job)
  -q, --quiet              Show only the summary, not the jobs' output
  -v, --verbose            Show debug messages
      --no-color           No colours (also: NO_COLOR set, or output not a terminal)

Docker is found as the docker CLI finds it: -H/--context before 'pipeline', DOCKER_HOST,
DOCKER_CONTEXT, the current context in ~/.docker/config.json, /var/run/docker.sock.
)";

constexpr const char* kValidateHelp = R"(Usage: docker pipeline validate [-f FILE] [-C DIR]

Parse the pipeline file and build its job graph without running anything. Prints the number of
jobs and stages, or the first error with file:line:column (exit 2).
)";

constexpr const char* kPlanHelp = R"(Usage: docker pipeline plan [-f FILE] [-C DIR] [--job NAME]
                            [--format text|json]

Print the jobs in the order they would start, with the jobs each one waits for. Jobs on the same
level may run at the same time. Runs nothing. The branch, --ref, --tag and --pipeline options of
`run` choose what a GitLab file's rules see. --format json prints {"pipeline": ..., "jobs":
[{"name", "stage", "needs", "when", "image", "allow_failure", "parallel_of"}]}.
)";

constexpr const char* kListHelp = R"(Usage: docker pipeline list [-f FILE] [-C DIR]

List the pipelines the file defines (a Bitbucket file has default, branches/..., tags/...,
pull-requests/..., custom/...; a native file has one) and marks the one `run` would pick for the
current branch. Runs nothing.
)";

constexpr const char* kArtifactsHelp = R"(Usage: docker pipeline artifacts [RUN [--to DIR]]

Without RUN: list the runs whose jobs left artifacts (newest first), with each job's files.
With RUN: copy that run's artifacts into DIR (default ./artifacts-RUN), one folder per job.
Artifacts are kept in $XDG_STATE_HOME/docker-pipeline/artifacts (~/.local/state/...) for 14 days.
Symlinks are extracted as links; nothing is written through a link already in DIR.
)";

constexpr const char* kPruneHelp = R"(Usage: docker pipeline prune [--all]

Remove every container, network and volume carrying docker-pipeline's labels whose run's process
is gone. With --all, also those of runs still going (on this daemon). Prints what it removed.
)";

constexpr const char* kHookHelp = R"(Usage: docker pipeline hook install|uninstall [-C DIR]

install    Put a pre-push hook into the repository (core.hooksPath is respected). An existing
           pre-push hook is kept as pre-push.docker-pipeline-previous and still runs first.
           On `git push`, the hook runs the pipeline on exactly each pushed commit (not your
           working tree) and refuses the push when it fails, printing the summary and the path
           of the full log. Skip it with `git push --no-verify` or DOCKER_PIPELINE_SKIP=1.
uninstall  Remove our hook and put back the one it replaced.
)";

}  // namespace

std::string HelpText(const std::string& command) {
  if (command == "run") return kRunHelp;
  if (command == "validate") return kValidateHelp;
  if (command == "plan") return kPlanHelp;
  if (command == "prune") return kPruneHelp;
  if (command == "list") return kListHelp;
  if (command == "artifacts") return kArtifactsHelp;
  if (command == "hook") return kHookHelp;
  return kOverview;
}

}  // namespace pipeline::cli
