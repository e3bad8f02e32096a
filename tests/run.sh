#!/usr/bin/env bash
# The whole test suite (README.md's second command; .ci/run calls exactly this):
#   1. install/dev-setup.sh: build deps, a Docker engine when none answers, the test images;
#   2. an optimised build (-O1: half the compile time of -O2 -g, still optimised): unit tests
#      (parallel), then integration tests against the real daemon, then `bench/run --quick` as a
#      smoke test (the JSON has every figure; no time is asserted);
#   3. as root, the unit tests and the workspace and cleanup integration tests again as an
#      unprivileged user (tests/nonroot.sh), so permission paths are really exercised;
#   4. the mutation check of the critical paths (tests/mutation/run.py): each one-line bug of
#      tests/mutation/mutations.txt must fail its unit tests;
#   5. the README's first command in a fresh clone, and pre-commit's try-repo of
#      .pre-commit-hooks.yaml (install/test-install.sh);
#   6. an AddressSanitizer + UndefinedBehaviorSanitizer build: the unit tests and the daemon
#      suites whose code no unit test reaches (Engine API streams, the step's Docker proxy under
#      attack, the service's HTTP server, cancel and signals, artifacts, plain runs);
#   7. bounded fuzzing: each libFuzzer target for FUZZ_SECONDS (tests/fuzz/run.sh, clang).
# Strict: a test that needs the Docker daemon fails when none answers (PIPELINE_TEST_STRICT=1), as
# with CI=true; --allow-no-daemon (or PIPELINE_ALLOW_NO_DAEMON=1) lets those tests skip instead.
# Options: --no-sanitizers skips step 6, --no-fuzz step 7, --quick steps 3 to 7 (quicker local
# runs). Prints how long each step took.
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
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
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
trap 'printf "run.sh: time per step\n%s" "$times"' EXIT

step "setup" "$top/install/dev-setup.sh"

run_suite() {  # run_suite BUILD_DIR DOCKER_TESTS_REGEX [CMAKE_ARGS...]; an empty regex runs them all
  local dir=$1 only=$2; shift 2
  cmake -S "$top" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir"
  ctest --test-dir "$dir" -L unit -j 2 --output-on-failure --timeout 120
  ctest --test-dir "$dir" -L docker ${only:+-R "$only"} --output-on-failure --timeout 300
}

step "build, unit, integration" run_suite "$top/build-ci" "" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG"
step "bench smoke" ctest --test-dir "$top/build-ci" -L bench --output-on-failure
if [ "$extra" = 1 ]; then
  step "unprivileged user" "$top/tests/nonroot.sh" "$top/build-ci"
  step "mutation check" "$top/tests/mutation/run.py"
  step "installer, pre-commit" "$top/install/test-install.sh"
fi
if [ "$sanitizers" = 1 ]; then
  # Under the sanitizers: every unit test, and the daemon suites whose code the unit tests cannot
  # reach (the Engine API client and its streams, the step's Docker proxy under attack, the
  # service's HTTP server, cancellation and signal paths, artifacts, a plain run). The other daemon
  # suites drive the same code with more containers; the first pass runs them all.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS="suppressions=$top/tests/sanitizers/lsan.supp" UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    step "sanitizers" run_suite "$top/build-asan" "^(DockerClientTest|DockerProxyTest|ProxySmugglingTest|DockerServiceTest|ServiceApiTest|CancelTest|FaultSignalTest|FaultArtifactsTest|LeakCheckTest|RunTest)\\." \
    -DCMAKE_BUILD_TYPE=Debug -DPIPELINE_SANITIZE=ON
fi
if [ "$fuzz" = 1 ]; then
  step "fuzzing" "$top/tests/fuzz/run.sh"
fi
