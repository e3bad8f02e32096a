#!/usr/bin/env bash
# Runs the sample pipeline (examples/hello) the way a user would: in a git repository of its own,
# with `docker pipeline run`. Builds the small local busybox image it uses when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

"$here/build-images.sh" --busybox-only
sample=$(mktemp -d "${TMPDIR:-/tmp}/docker-pipeline-sample.XXXXXX")
trap 'rm -rf "$sample"' EXIT
cp -a "$top/examples/hello/." "$sample/"
git -C "$sample" init -q -b main
git -C "$sample" add -A
git -C "$sample" -c user.name=sample -c user.email=sample@localhost commit -qm "sample"
echo "running: docker pipeline run   (in a copy of examples/hello: $sample)"
cd "$sample"
docker pipeline run "$@"
