#!/usr/bin/env bash
# The test suite's smoke test of bench/run (ctest label `bench`): `bench/run --quick` must finish
# and write well-formed JSON with every figure, each with a measured value for ours (a baseline
# may be missing only with a note saying why, e.g. no gitlab-ci-local). No time is asserted.
# Usage: bench/smoke.sh DOCKER_PIPELINE_BINARY
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:?usage: bench/smoke.sh DOCKER_PIPELINE_BINARY}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/bench/run" --quick --binary "$binary" --out "$out"
python3 - "$out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
expected = ["chain", "rss", "cleanup", "artifact", "diamond", "worktree_cold", "worktree_rerun",
            "latency_p50", "latency_p99", "throughput", "history_cost", "rss_flood"]
rows = {row["figure"]: row for row in doc["figures"]}
problems = [f"figure {name} is missing" for name in expected if name not in rows]
for name, row in rows.items():
    for key in ("what", "ours", "baseline", "ratio", "unit", "target"):
        if key not in row:
            problems.append(f"figure {name} has no '{key}'")
    if not isinstance(row.get("ours"), (int, float)):
        problems.append(f"figure {name}: no measured value of ours")
    if row.get("baseline") is None and name not in ("rss", "rss_flood") and not row.get("note"):
        problems.append(f"figure {name}: no baseline and no note saying why")
machine = doc.get("machine", {})
if len(machine.get("load_before", [])) != 3 or "cpus" not in machine:
    problems.append("the machine's load average and CPUs are not recorded")
if "chain_profile" not in doc.get("details", {}):
    problems.append("the chain's per-job profile is missing")
if problems:
    sys.exit("bench smoke test:\n  " + "\n  ".join(problems))
print(f"bench smoke test: {len(rows)} figures, well formed")
PY
