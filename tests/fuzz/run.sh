#!/usr/bin/env bash
# Bounded fuzzing, the last step of tests/run.sh: builds the libFuzzer targets of tests/fuzz with
# clang (in build-fuzz, with ccache when there is one), then runs each for FUZZ_SECONDS and prints
# how many inputs it tried. Fails when a target crashes, leaks, trips a sanitizer or hangs; the
# input that did it is kept as build-fuzz/crashes/<target>/crash-* (docs/testing.md says how to
# turn one into a regression test).
#   FUZZ_SECONDS   seconds per target (default 10: with the build, about 1 minute when ccache
#                  has the objects and 2.5 on a cold cache, on 2 cores)
#   FUZZ_TARGETS   which targets, space separated (default all: parse_native parse_bitbucket
#                  frame_demuxer engine_response secret_masker docker_proxy)
#   FUZZ_BUILD_DIR the build directory (default <repo>/build-fuzz)
#   FUZZ_JOBS      parallel fuzzing processes per target (default 1; a campaign uses the cores)
#   FUZZ_MAX_LEN   the longest input in bytes (default: libFuzzer's guess from the seeds)
# New interesting inputs collect in build-fuzz/corpus/<target>, so a later run on the same
# machine starts where this one stopped; the seeds in tests/fuzz/corpus are only read. The
# readers' targets are also seeded, at run time, with every real-world file of the repository
# (tests/conformance/*, tests/testdata/pipelines/*: new conformance cases count at once) and get
# the dictionary of both formats' keys, tests/fuzz/pipeline_yaml.dict.
# --build-only: configure and build, run nothing (tests/run.sh builds ahead, at low priority).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-10}
dir=${FUZZ_BUILD_DIR:-$top/build-fuzz}
read -r -a targets <<<"${FUZZ_TARGETS:-parse_native parse_bitbucket frame_demuxer engine_response secret_masker docker_proxy}"

build_only=0
if [ "$#" -gt 0 ]; then
  case "$1" in
    --build-only) build_only=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "fuzz/run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
fi
command -v clang++ >/dev/null || { echo "fuzz/run.sh: clang++ is missing (install clang)" >&2; exit 3; }

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top}
  # With -g ccache hashes the build directory too; CI builds in a fresh clone each time, so leave
  # it out or nothing is ever found again.
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
start=$SECONDS
# -O1: the usual libFuzzer trade between speed and how well a report points at the source.
cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DPIPELINE_FUZZ=ON -DPIPELINE_BUILD_TESTS=OFF "${launcher[@]}" \
  >/dev/null
cmake --build "$dir" --target "${targets[@]/%/_fuzzer}"
echo "fuzz: built in $((SECONDS - start)) s"
[ "$build_only" = 1 ] && exit 0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$top/tests/fuzz/ubsan.supp}
jobs=${FUZZ_JOBS:-1}
# seeds_of TARGET: the extra seed directories of a target that exist, one a line.
seeds_of() {
  local dirs=()
  case "$1" in
    parse_native) dirs=("$top"/tests/testdata/pipelines/native "$top"/tests/conformance/gitlab
                        "$top"/tests/conformance/native) ;;
    parse_bitbucket) dirs=("$top"/tests/testdata/pipelines/bitbucket
                           "$top"/tests/conformance/bitbucket) ;;
  esac
  local dir
  for dir in "${dirs[@]}"; do [ -d "$dir" ] && echo "$dir"; done
  return 0
}
failed=()
summary=""
for target in "${targets[@]}"; do
  corpus="$dir/corpus/$target"
  crashes="$dir/crashes/$target"
  log="$dir/fuzz-$target.log"
  mkdir -p "$corpus" "$crashes"
  touch "$dir/fuzz-$target.started"  # inputs kept by this run are newer
  status=0
  # The first directory receives new inputs; the seeds are read only. -timeout: one input taking
  # more than 10 s counts as a hang (each takes well under a millisecond).
  mapfile -t seeds < <(seeds_of "$target")
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$crashes/")
  case "$target" in parse_*) options+=(-dict="$top/tests/fuzz/pipeline_yaml.dict") ;; esac
  [ -n "${FUZZ_MAX_LEN:-}" ] && options+=(-max_len="$FUZZ_MAX_LEN")
  # -jobs runs that many fuzzing processes (one per worker); their logs go to fuzz-<n>.log.
  [ "$jobs" -gt 1 ] && options+=(-jobs="$jobs" -workers="$jobs")
  (cd "$dir" && "$dir/tests/fuzz/${target}_fuzzer" "$corpus" "$top/tests/fuzz/corpus/$target" \
    ${seeds[@]+"${seeds[@]}"} "${options[@]}") >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$status" = 0 ]; then
    result=ok
  else
    result="FAILED (exit $status)"
    failed+=("$target")
    echo "---- $target: last lines of $log" >&2
    tail -n 40 "$log" >&2
    find "$crashes" -type f -newer "$dir/fuzz-$target.started" | sed 's/^/input kept: /' >&2
  fi
  summary+=$(printf '%-16s %10s executions in %ss  %s' "$target" "${runs:-?}" "$seconds" "$result")$'\n'
done
printf 'fuzz: executions per target\n%s' "$summary"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: ${failed[*]} failed; replay an input with build-fuzz/tests/fuzz/<target>_fuzzer FILE" >&2
  exit 1
fi
