#!/usr/bin/env bash
# Wall time of a two-job pipeline on the busybox test image, side by side with the baseline the
# engine issue names: two `docker run --rm` of the same image, one after the other, in the same run.
# Prints medians of N rounds and the ratio. Usage: bench/two_job_pipeline.sh [BINARY] [ROUNDS]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$top/build-release/plugin/docker-pipeline}
rounds=${2:-7}
image=docker-pipeline/busybox:latest
[ -x "$binary" ] || { echo "no binary at $binary (build it, or pass its path)" >&2; exit 2; }
"$top/install/build-images.sh" --busybox-only >/dev/null

repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cat >"$repo/.pipeline.yml" <<YAML
image: $image
one:
  script: [echo one]
two:
  script: [echo two]
YAML
git -C "$repo" init -q && git -C "$repo" add -A &&
  git -C "$repo" -c user.name=b -c user.email=b@localhost commit -qm bench

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
time_rounds() {  # time_rounds CMD...: prints one wall time per round
  local i start
  for ((i = 0; i < rounds; i++)); do
    start=$(now); "$@" >/dev/null 2>&1; awk -v a="$(now)" -v b="$start" 'BEGIN {print a - b}'
  done
}
two_docker_runs() { docker run --rm "$image" true && docker run --rm "$image" true; }
pipeline_run() { (cd "$repo" && "$binary" run -q); }

pipeline_run || { echo "the pipeline failed; run it by hand in $repo" >&2; exit 1; }
baseline=$(time_rounds two_docker_runs | median)
ours=$(time_rounds pipeline_run | median)
printf '%-58s %8s\n' "what ($rounds rounds, median)" "seconds"
printf '%-58s %8.3f\n' "2 x docker run --rm $image true" "$baseline"
printf '%-58s %8.3f\n' "docker-pipeline run (2 jobs, parallel)" "$ours"
printf '%-58s %8.2fx\n' "ratio (ours / baseline)" "$(awk -v a="$ours" -v b="$baseline" 'BEGIN {print a / b}')"
