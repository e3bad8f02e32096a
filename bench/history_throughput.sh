#!/usr/bin/env bash
# Output throughput with the run history on and off (issue 11: within 5%). One job prints SIZE MiB
# (default 128, as tests/integration/fault_output_test.cc) through the runner; rounds alternate
# on and off so a busy machine hurts both alike. Prints each round, the medians and the ratio.
# The console caps what it prints at 16 MiB per job and the history stores what the console
# prints, so the history's share of the flood is those 16 MiB.
# Usage: bench/history_throughput.sh [BINARY] [ROUNDS] [SIZE_MIB]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$top/build/plugin/docker-pipeline}
rounds=${2:-5}
mib=${3:-128}
[ -x "$binary" ] || { echo "no binary at $binary (build it, or pass its path)" >&2; exit 2; }
binary=$(realpath "$binary")
"$top/install/build-images.sh" --busybox-only >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/repo"
cat >"$work/repo/.pipeline.yml" <<YAML
image: docker-pipeline/busybox:latest
flood:
  script: ['yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | head -c $((mib << 20))']
YAML
git -C "$work/repo" init -q && git -C "$work/repo" add -A &&
  git -C "$work/repo" -c user.name=b -c user.email=b@localhost commit -qm bench

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
one() {  # one on|off: prints the wall time of one run, then the runner's CPU seconds
  local flag=()
  [ "$1" = off ] && flag=(--no-history)
  (cd "$work/repo" && XDG_STATE_HOME="$work/state" DOCKER_PIPELINE_STORE= \
     /usr/bin/time -f "%e %U %S" -o "$work/time" \
     "$binary" run --quiet "${flag[@]}" >"$work/last.log" 2>&1) || { cat "$work/last.log" >&2; exit 1; }
  awk '{print $1, $2 + $3}' "$work/time"
}
: >"$work/on"; : >"$work/off"
for ((i = 0; i < rounds; i++)); do
  read -r on on_cpu <<<"$(one on)"; read -r off off_cpu <<<"$(one off)"
  echo "round $((i + 1)): history on ${on}s (runner CPU ${on_cpu}s), off ${off}s (CPU ${off_cpu}s)"
  echo "$on $on_cpu" >>"$work/on"; echo "$off $off_cpu" >>"$work/off"
done
on=$(cut -d' ' -f1 "$work/on" | median); off=$(cut -d' ' -f1 "$work/off" | median)
on_cpu=$(cut -d' ' -f2 "$work/on" | median); off_cpu=$(cut -d' ' -f2 "$work/off" | median)
awk -v on="$on" -v off="$off" -v mib="$mib" -v c1="$on_cpu" -v c0="$off_cpu" 'BEGIN {
  printf "median: history on %.2fs (%.1f MiB/s), off %.2fs (%.1f MiB/s): on/off %.3f; " \
         "runner CPU on %.2fs, off %.2fs\n", on, mib / on, off, mib / off, on / off, c1, c0 }'
