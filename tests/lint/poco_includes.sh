#!/usr/bin/env bash
# The project rule (docs/architecture.md): Poco is included only in lib/docker, lib/stepdocker,
# lib/service and lib/store; every other module (lib/fetch included: its HTTPS GET is
# docker/https_get.h) and cmd/ go through their APIs. Lists each file breaking it; exit 1 if any.
# ctest runs it as Lint.PocoOnlyInItsModules (label unit). Usage: tests/lint/poco_includes.sh [TOP]
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top"
allowed='^lib/(docker|stepdocker|service|store)/'
found=$(grep -rlE '^\s*#\s*include\s*[<"]Poco/' lib cmd plugin --include='*.h' --include='*.cc' |
  grep -Ev "$allowed" || true)
if [ -n "$found" ]; then
  echo "poco_includes: Poco is included outside lib/{docker,stepdocker,service,store}:" >&2
  echo "$found" >&2
  exit 1
fi
echo "poco_includes: Poco only in lib/{docker,stepdocker,service,store}"
