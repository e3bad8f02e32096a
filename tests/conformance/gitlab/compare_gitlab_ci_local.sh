#!/usr/bin/env bash
# Compares the job set of our `plan --format json` with gitlab-ci-local's `--list-json` (its jobs
# whose `when` is not `never`) for every case of the GitLab conformance suite: each NAME.yml with
# its `# plan: CASE: ARGS` lines, in a git repository made as the case says (the branch checked
# out, the tag checked out, `# file:` and `# change:` files), the same pipeline source and
# variables given to both tools.
#
#   compare_gitlab_ci_local.sh DOCKER_PIPELINE_BINARY
#
# gitlab-ci-local is installed on first use under a cache directory this script owns
# ($GITLAB_CI_LOCAL_CACHE, else ~/.cache/docker-pipeline/gitlab-ci-local/VERSION), never
# globally; $GITLAB_CI_LOCAL names an installed one instead. Its version is 4.55.0, the newest
# without the native `re2` module (which needs a C++ build with network access to install).
#
# Where the two differ and gitlab-ci-local is the one that is wrong, the case is listed in
# gitlab_ci_local_differences.txt ("FILE CASE: why"). Exit codes: 0 every case agrees or differs
# as documented, 1 an undocumented difference (or a documented one that agrees now), 77 skipped
# (no node/npm, or gitlab-ci-local cannot be installed).
set -u

BIN=${1:?usage: compare_gitlab_ci_local.sh DOCKER_PIPELINE_BINARY}
# Absolute: each case runs in its own repository.
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=${GITLAB_CI_LOCAL_VERSION:-4.55.0}
CACHE=${GITLAB_CI_LOCAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docker-pipeline/gitlab-ci-local/$VERSION}
GCL=${GITLAB_CI_LOCAL:-$CACHE/node_modules/.bin/gitlab-ci-local}
KNOWN=$HERE/gitlab_ci_local_differences.txt

skip() {
  echo "SKIP: $*"
  exit 77
}

command -v node >/dev/null 2>&1 || skip "node is not installed: gitlab-ci-local needs it"
command -v git >/dev/null 2>&1 || skip "git is not installed"
if [ ! -x "$GCL" ]; then
  # shellcheck source=tests/npm_install.sh
  source "$HERE/../../npm_install.sh"
  npm_install "gitlab-ci-local@$VERSION" "$CACHE"
fi
"$GCL" --version >/dev/null 2>&1 || skip "$GCL does not run on node $(node --version)"

WORK=$(mktemp -d /tmp/compare-gitlab-ci-local.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The sorted job names of a JSON document on stdin: ours ({"jobs": [...]}) or gitlab-ci-local's
# (a list, `when: never` left out).
job_names() {
  node -e '
    let text = "";
    process.stdin.on("data", (d) => (text += d)).on("end", () => {
      const doc = JSON.parse(text);
      const jobs = Array.isArray(doc) ? doc.filter((j) => j.when !== "never") : doc.jobs;
      // Its names of parallel copies, "test: [1/3]" and "test: [a,b]", written as GitLab
      // writes them: "test 1/3" and "test: [a, b]".
      const gitlab = (n) =>
        n.replace(/: \[(\d+)\/(\d+)\]$/, " $1/$2").replace(/,(?! )/g, ", ");
      console.log(jobs.map((j) => gitlab(j.name)).sort().join(","));
    });'
}

git_quiet() { git -c user.name=compare -c user.email=compare@example.com \
  -c commit.gpgsign=false "$@" >/dev/null 2>&1; }

# Makes the case's repository in $2. $1: the .yml file.
make_repo() {
  local yml=$1 repo=$2
  rm -rf "$repo"
  mkdir -p "$repo"
  cp "$yml" "$repo/.gitlab-ci.yml"
  git_quiet -C "$repo" init -b main
  git_quiet -C "$repo" remote add origin https://gitlab.example.com/group/project.git
  local line path text
  while IFS= read -r line; do
    case $line in
      "# file: "*)
        line=${line#"# file: "}
        path=${line%%: *}
        text=${line#*: }
        mkdir -p "$repo/$(dirname "$path")"
        printf '%b' "$text" >"$repo/$path"
        ;;
    esac
  done < <(grep '^#' "$yml")
  git_quiet -C "$repo" add -A
  git_quiet -C "$repo" commit -m "the project"
  # What was pushed before: gitlab-ci-local's `changes` compare with origin's default branch,
  # ours with the parent commit; the default branch is origin's HEAD for both.
  git_quiet -C "$repo" update-ref refs/remotes/origin/main HEAD
  git_quiet -C "$repo" symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main
  if grep -q '^# change: ' "$yml"; then
    while IFS= read -r line; do
      line=${line#"# change: "}
      path=${line%%: *}
      text=${line#*: }
      mkdir -p "$repo/$(dirname "$path")"
      printf '%b' "$text" >"$repo/$path"
    done < <(grep '^# change: ' "$yml")
    git_quiet -C "$repo" add -A
    git_quiet -C "$repo" commit -m "the change being pushed"
  fi
}

# One case: its repository in $WORK/N, both tools' job names into $WORK/N.ours and .theirs.
# $1: N, $2: the .yml file, $3: the plan line's arguments.
run_case() {
  local n=$1 yml=$2 repo=$WORK/$1 args arg value i gcl_args
  read -r -a args <<<"$3"
  make_repo "$yml" "$repo"
  gcl_args=(--list-json)
  i=0
  while [ $i -lt ${#args[@]} ]; do
    arg=${args[$i]}
    value=${args[$((i + 1))]:-}
    case $arg in
      --ref) git_quiet -C "$repo" checkout -b "${value#refs/heads/}" ;;
      --tag) git_quiet -C "$repo" tag "$value" && git_quiet -C "$repo" checkout "$value" ;;
      --pipeline) gcl_args+=(--variable "CI_PIPELINE_SOURCE=$value") ;;
      --var) gcl_args+=(--variable "$value") ;;
    esac
    i=$((i + 1))
  done
  (cd "$repo" && "$BIN" plan --format json "${args[@]}" 2>/dev/null | job_names) >"$repo.ours"
  (cd "$repo" && timeout 120 "$GCL" "${gcl_args[@]}" 2>/dev/null | job_names 2>/dev/null) \
    >"$repo.theirs"
}

# The cases run $JOBS at a time: gitlab-ci-local takes seconds to start (node loading its
# modules), and the cases are independent.
JOBS=${COMPARE_JOBS:-4}
n=0
declare -a case_file case_label
for yml in "$HERE"/*.yml; do
  while IFS= read -r plan; do
    plan=${plan#"# plan: "}
    n=$((n + 1))
    case_file[$n]=$yml
    case_label[$n]=${plan%%:*}
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    run_case "$n" "$yml" "${plan#*:}" &
  done < <(grep '^# plan: ' "$yml")
done
wait

cases=0
agree=0
unexpected=0
declare -A file_ok
for i in $(seq 1 "$n"); do
  name=$(basename "${case_file[$i]}" .yml)
  case_name=${case_label[$i]}
  [ -n "${file_ok[$name]:-}" ] || file_ok[$name]=1
  cases=$((cases + 1))
  ours=$(cat "$WORK/$i.ours")
  theirs=$(cat "$WORK/$i.theirs")
  [ -n "$theirs" ] || theirs="(no answer)"
  known=$(grep -E "^$name $case_name: " "$KNOWN" 2>/dev/null | head -1)
  if [ "$ours" = "$theirs" ]; then
    agree=$((agree + 1))
    if [ -n "$known" ]; then
      echo "AGREE NOW $name $case_name: drop it from $(basename "$KNOWN")"
      unexpected=$((unexpected + 1))
    else
      echo "agree     $name $case_name: $ours"
    fi
    continue
  fi
  file_ok[$name]=0
  if [ -n "$known" ]; then
    echo "known     $name $case_name: ours [$ours], gitlab-ci-local [$theirs]: ${known#*: }"
  else
    echo "DIFFER    $name $case_name: ours [$ours], gitlab-ci-local [$theirs]"
    unexpected=$((unexpected + 1))
  fi
done

files=0
files_agree=0
for name in "${!file_ok[@]}"; do
  files=$((files + 1))
  files_agree=$((files_agree + file_ok[$name]))
done
echo "gitlab-ci-local $VERSION: $agree of $cases cases agree; $files_agree of $files files agree in every case"
[ $unexpected -eq 0 ]
