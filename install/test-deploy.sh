#!/usr/bin/env bash
# Checks the deployment files without starting anything: install/compose.yml with Debian's
# docker-compose (`config`: schema and interpolation; also that a missing POSTGRES_PASSWORD is
# refused) and install/docker-pipeline.service with `systemd-analyze verify` (its ExecStart
# pointed at BINARY, since the unit names the installed path). Exits 77 (skipped) when neither
# tool is there. Usage: install/test-deploy.sh BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: test-deploy.sh BINARY}
checked=0

compose=""
if docker compose version >/dev/null 2>&1; then
  compose="docker compose"
elif command -v docker-compose >/dev/null; then
  compose="docker-compose"
fi
if [ -n "$compose" ]; then
  POSTGRES_PASSWORD=checked $compose -f "$here/compose.yml" config -q
  if POSTGRES_PASSWORD= $compose -f "$here/compose.yml" config -q 2>/dev/null; then
    echo "compose.yml: a missing POSTGRES_PASSWORD was not refused" >&2
    exit 1
  fi
  echo "compose.yml: valid for $compose"
  checked=1
else
  echo "compose.yml: not checked (no docker compose or docker-compose; Debian: apt-get install docker-compose)"
fi

if command -v systemd-analyze >/dev/null; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  sed "s|/usr/local/lib/docker/cli-plugins/docker-pipeline|$binary|" \
    "$here/docker-pipeline.service" >"$scratch/docker-pipeline.service"
  output=$(systemd-analyze verify "$scratch/docker-pipeline.service" 2>&1) || {
    echo "docker-pipeline.service: $output" >&2
    exit 1
  }
  # verify exits 0 on some problems it only reports.
  if printf '%s' "$output" | grep -i 'docker-pipeline.service' >&2; then exit 1; fi
  echo "docker-pipeline.service: systemd-analyze verify passes"
  checked=1
else
  echo "docker-pipeline.service: not checked (no systemd-analyze)"
fi

[ "$checked" = 1 ] || exit 77
