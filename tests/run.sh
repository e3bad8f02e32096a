#!/usr/bin/env bash
# The whole test suite (README.md's second command; .ci/run calls exactly this):
#   1. install/dev-setup.sh: build deps, a Docker engine when none answers, the test images;
#   2. an optimised build (-O1: half the compile time of -O2 -g, still optimised): unit tests
#      (parallel), then integration tests against the real daemon, then `bench/run --quick` as a
#      smoke test (the JSON has every figure; no time is asserted), then our GitLab job sets
#      against gitlab-ci-local's (SKIP, with why, when npm cannot install it);
#   3. as root, the unit tests and the workspace and cleanup integration tests again as an
#      unprivileged user (tests/nonroot.sh), so permission paths are really exercised;
#   4. the mutation check of the critical paths (tests/mutation/run.py): each one-line bug of
#      tests/mutation/mutations.txt must fail its unit tests;
#   5. the README's first command in a fresh clone, and pre-commit's try-repo of
#      .pre-commit-hooks.yaml (install/test-install.sh);
#   6. an AddressSanitizer + UndefinedBehaviorSanitizer build (clang when there is one, -O0 -g1,
#      only the integration files of the suites it runs): the unit tests (each binary once) and
#      the daemon suites whose code no unit test reaches (Engine API streams, the step's Docker
#      proxy under attack, the service's HTTP server, cancel and signals, artifacts, plain runs);
#   7. bounded fuzzing: each libFuzzer target for FUZZ_SECONDS (tests/fuzz/run.sh, clang).
# The builds of 6 and 7 start once the first build is done, at the lowest CPU and I/O priority, so
# they use what the daemon tests leave idle (mostly waiting on containers); steps 6 and 7 then wait
# for them ("prebuild, waited").
# Strict: a test that needs the Docker daemon fails when none answers (PIPELINE_TEST_STRICT=1), as
# with CI=true; --allow-no-daemon (or PIPELINE_ALLOW_NO_DAEMON=1) lets those tests skip instead.
# Options: --no-sanitizers skips step 6, --no-fuzz step 7, --quick steps 3 to 7 (quicker local
# runs). Prints how long each step took. Every build goes through ccache (dev-setup installs it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
sanitizers=1
fuzz=1
extra=1
for arg in "$@"; do
  case "$arg" in
    --no-sanitizers) sanitizers=0 ;;
    --no-fuzz) fuzz=0 ;;
    --quick) sanitizers=0 fuzz=0 extra=0 ;;
    --allow-no-daemon) export PIPELINE_ALLOW_NO_DAEMON=1 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done
export PIPELINE_TEST_STRICT=1
# Every build through ccache when there is one; paths are hashed relative to the checkout, so the
# mutation check's copy of the tree reuses the first build's objects.
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi

times=""
step() {  # step NAME COMMAND...: runs it and notes how long it took
  local name=$1 start=$SECONDS
  shift
  echo "==== $name"
  "$@"
  times+=$(printf '%-28s %5d s' "$name" $((SECONDS - start)))$'\n'
}

step "setup" "$top/install/dev-setup.sh"

# The sanitizer pass: the daemon suites whose code the unit tests cannot reach (the Engine API
# client and its streams, the step's Docker proxy under attack, the service's HTTP server,
# cancellation and signal paths, artifacts, a plain run); the other daemon suites drive the same
# code with more containers, and the first pass runs them all. Only their files are compiled.
# clang compiles this about a third faster than g++, -g1 (line tables: stack traces keep
# file:line) a fifth faster than -g.
asan_dir=$top/build-asan
asan_suites='DockerClientTest|DockerProxyTest|ProxySmugglingTest|DockerServiceTest|ServiceApiTest|CancelTest|FaultSignalTest|FaultArtifactsTest|LeakCheckTest|RunTest'
# Each unit test binary runs once (PIPELINE_UNIT_TEST_BINARIES): an instrumented process takes
# about half a second to start, and there are over a thousand unit tests.
asan_args=(-DCMAKE_BUILD_TYPE=Debug -DPIPELINE_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1
           "-DPIPELINE_INTEGRATION_SUITES=$asan_suites" -DPIPELINE_UNIT_TEST_BINARIES=ON)
if command -v clang++ >/dev/null; then asan_args+=(-DCMAKE_CXX_COMPILER=clang++); fi

configure() {  # configure BUILD_DIR [CMAKE_ARGS...]
  local dir=$1; shift
  cmake -S "$top" -B "$dir" -G Ninja "$@" >/dev/null
}
run_suite() {  # run_suite BUILD_DIR DOCKER_TESTS_REGEX; an empty regex runs them all
  local dir=$1 only=$2
  cmake --build "$dir"
  ctest --test-dir "$dir" -L unit -j 2 --output-on-failure --timeout 120
  ctest --test-dir "$dir" -L docker ${only:+-R "$only"} --output-on-failure --timeout 300
}

# prebuild SANITIZERS FUZZ ASAN_CMAKE_ARGS...: the builds of steps 6 and 7, run in the background.
prebuild() {
  local sanitizers=$1 fuzz=$2 start=$SECONDS
  shift 2
  if [ "$sanitizers" = 1 ]; then
    cmake -S "$top" -B "$asan_dir" -G Ninja "$@" >/dev/null && cmake --build "$asan_dir" || return 1
  fi
  if [ "$fuzz" = 1 ]; then
    "$top/tests/fuzz/run.sh" --build-only || return 1
  fi
  echo "prebuild: done in $((SECONDS - start)) s"
}
prebuild_pid=""
prebuild_log=$top/build-ci/prebuild.log
start_prebuild() {
  [ "$sanitizers" = 1 ] || [ "$fuzz" = 1 ] || return 0
  echo "==== prebuild (sanitizers, fuzz) in the background: $prebuild_log"
  mkdir -p "$(dirname "$prebuild_log")"
  # Its own process group (setsid), so the EXIT trap can stop all of it; nice and idle I/O class so
  # the tests always come first.
  top=$top asan_dir=$asan_dir setsid --wait nice -n 19 ionice -c 3 bash -c \
    "set -uo pipefail; $(declare -f prebuild); prebuild \"\$@\"" prebuild \
    "$sanitizers" "$fuzz" "${asan_args[@]}" >"$prebuild_log" 2>&1 &
  prebuild_pid=$!
}
wait_prebuild() {  # the background builds' end; their log's tail when they failed
  [ -n "$prebuild_pid" ] || return 0
  local status=0
  wait "$prebuild_pid" || status=$?
  prebuild_pid=""
  tail -n 1 "$prebuild_log" || true
  if [ "$status" != 0 ]; then
    tail -n 40 "$prebuild_log" >&2
    echo "run.sh: the sanitizer or fuzz build failed (exit $status), see $prebuild_log" >&2
    return 1
  fi
}
# `|| true`: errexit holds in a trap too, and a finished prebuild's group is gone (kill fails).
trap '[ -z "$prebuild_pid" ] || kill -- -"$prebuild_pid" 2>/dev/null || true; printf "run.sh: time per step\n%s" "$times"' EXIT

main_pass() {
  configure "$top/build-ci" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG"
  cmake --build "$top/build-ci"
  start_prebuild
  run_suite "$top/build-ci" ""
}
step "build, unit, integration" main_pass
step "bench smoke" ctest --test-dir "$top/build-ci" -L bench --output-on-failure
# Our GitLab job sets against gitlab-ci-local's (ctest label `conformance`), run directly so its
# SKIP line (no node/npm, the registry unreachable) is printed; gitlab-ci-local is installed under
# a cache on first use, and a cached one takes well under a minute.
gitlab_ci_local() {
  local status=0
  "$top/tests/conformance/gitlab/compare_gitlab_ci_local.sh" "$top/build-ci/plugin/docker-pipeline" ||
    status=$?
  [ "$status" = 77 ] && status=0
  return "$status"
}
step "gitlab-ci-local" gitlab_ci_local
if [ "$extra" = 1 ]; then
  step "unprivileged user" "$top/tests/nonroot.sh" "$top/build-ci"
  step "mutation check" "$top/tests/mutation/run.py"
  step "installer, pre-commit" "$top/install/test-install.sh"
fi
if [ -n "$prebuild_pid" ]; then step "prebuild, waited" wait_prebuild; fi
if [ "$sanitizers" = 1 ]; then
  # Under the sanitizers: every unit test, and the daemon suites of $asan_suites.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS="suppressions=$top/tests/sanitizers/lsan.supp" UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    step "sanitizers" run_suite "$asan_dir" "^($asan_suites)\\."
fi
if [ "$fuzz" = 1 ]; then
  step "fuzzing" "$top/tests/fuzz/run.sh"
fi
