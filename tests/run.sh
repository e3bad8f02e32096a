#!/usr/bin/env bash
# The whole test suite (README.md's second command; .ci/run calls exactly this):
#   1. install/dev-setup.sh: build deps, a Docker engine when none answers, the test images;
#   2. an optimised build (-O1: half the compile time of -O2 -g, still optimised): unit tests
#      (parallel), then integration tests against the real daemon;
#   3. an AddressSanitizer + UndefinedBehaviorSanitizer build: the unit tests and the integration
#      tests but for the slowest daemon suites (Bitbucket, kill loop, parallel runs, output flood, JUnit
#      consumers, git hook, docker CLI), which exercise little code of ours beyond what the rest
#      does;
#   4. bounded fuzzing: each libFuzzer target for FUZZ_SECONDS (tests/fuzz/run.sh, clang).
# With CI=true, tests that need the daemon fail instead of skipping when it is missing.
# Options: --no-sanitizers skips step 3, --no-fuzz step 4 (quicker local runs).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
sanitizers=1
fuzz=1
for arg in "$@"; do
  case "$arg" in
    --no-sanitizers) sanitizers=0 ;;
    --no-fuzz) fuzz=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

"$top/install/dev-setup.sh"

run_suite() {  # run_suite BUILD_DIR EXCLUDED_DOCKER_TESTS [CMAKE_ARGS...]
  local dir=$1 exclude=$2; shift 2
  cmake -S "$top" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir"
  ctest --test-dir "$dir" -L unit -j 2 --output-on-failure --timeout 120
  ctest --test-dir "$dir" -L docker ${exclude:+-E "$exclude"} --output-on-failure --timeout 300
}

run_suite "$top/build-ci" "" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG"
if [ "$sanitizers" = 1 ]; then
  # Under the sanitizers the slowest daemon suites (which exercise the same code paths as the rest
  # with more containers) are left to the first pass, to keep CI well inside its time.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite "$top/build-asan" "BitbucketC|BitbucketRunsOn|CleanupTest.Killing|FaultParallel|FaultOutputTest.AFlood|JUnitConsumers|HookTest|DockerCliPlugin" \
    -DCMAKE_BUILD_TYPE=Debug -DPIPELINE_SANITIZE=ON
fi
if [ "$fuzz" = 1 ]; then
  "$top/tests/fuzz/run.sh"
fi
