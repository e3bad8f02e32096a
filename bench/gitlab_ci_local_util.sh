#!/usr/bin/env bash
# The helper image gitlab-ci-local copies files with (docker.io/firecow/gitlab-ci-local-util:latest:
# any image with bash and rsync), made without a registry: install/build-images.sh's Debian image
# plus the host's rsync and the libraries it links (the host is Debian too). Idempotent: an image
# of that name that exists is left alone. Usage: bench/gitlab_ci_local_util.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
image=docker.io/firecow/gitlab-ci-local-util:latest
docker image inspect "$image" >/dev/null 2>&1 && exit 0
rsync=$(command -v rsync) || { echo "gitlab_ci_local_util.sh: no rsync on the host" >&2; exit 3; }
"$top/install/build-images.sh" >/dev/null  # the Debian image (about a minute, once)
container=$(docker create --label io.docker-pipeline.bench=util docker-pipeline/debian:bookworm true)
trap 'docker rm -f "$container" >/dev/null' EXIT
# rsync and every library it links, at their own paths (symbolic links followed).
files=("$rsync" $(ldd "$rsync" | awk '$3 ~ /^\// {print $3}'))
tar -chf - "${files[@]}" 2>/dev/null | docker cp - "$container:/"
docker commit -c 'CMD ["bash"]' "$container" "$image" >/dev/null
echo "built $image"
