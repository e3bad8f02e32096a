#!/usr/bin/env bash
# The dashboard in a real browser: Debian's headless Chromium driven by puppeteer-core against a
# real `docker-pipeline serve` and the real daemon (dashboard_test.cjs says what is checked).
#
#   tests/browser/run.sh DOCKER_PIPELINE_BINARY [ARTIFACT_DIR]
#
# puppeteer-core is installed on first use under a cache directory this script owns
# ($DASHBOARD_TEST_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/docker-pipeline/browser-test/VERSION);
# it drives /usr/bin/chromium ($CHROMIUM) and downloads no browser. Screenshots of the runs list,
# the graph and a log go to ARTIFACT_DIR (default: $TMPDIR/docker-pipeline-dashboard-artifacts). Exit codes:
# 0 passed, 1 failed, 77 skipped (no chromium, node or npm, or the registry cannot be reached).
# DASHBOARD_PERF_JOBS=N instead measures the first paint of a run of N jobs (no checks).
set -u

BIN=$(realpath "${1:?usage: run.sh DOCKER_PIPELINE_BINARY [ARTIFACT_DIR]}")
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=${PUPPETEER_CORE_VERSION:-24.43.1}
CACHE=${DASHBOARD_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docker-pipeline/browser-test/$VERSION}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
IMAGE=${DASHBOARD_TEST_IMAGE:-docker-pipeline/busybox:latest}

skip() {
  echo "SKIP: $*"
  exit 77
}

[ -x "$CHROMIUM" ] || skip "no $CHROMIUM: apt-get install chromium (Debian's package)"
command -v node >/dev/null 2>&1 || skip "node is not installed: puppeteer-core needs it"
command -v git >/dev/null 2>&1 || skip "git is not installed"
if [ ! -f "$CACHE/node_modules/puppeteer-core/package.json" ]; then
  # shellcheck source=tests/npm_install.sh
  source "$(cd "$(dirname "$0")" && pwd)/../npm_install.sh"
  # No browser download: puppeteer-core never fetches one; the variable makes sure of it.
  npm_install "puppeteer-core@$VERSION" "$CACHE" PUPPETEER_SKIP_DOWNLOAD=1
fi

WORK=$(mktemp -d /tmp/dashboard-test.XXXXXX)
ARTIFACTS=${2:-${TMPDIR:-/tmp}/docker-pipeline-dashboard-artifacts}
mkdir -p "$ARTIFACTS"
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then
    kill -TERM "$SERVER" 2>/dev/null
    wait "$SERVER" 2>/dev/null
  fi
  [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

# The repository the service runs: build -> test (needs), lint (stage order), slow (needs build:
# prints a line every 0.3 s for a minute, so the log is live and there is something to cancel).
mkdir -p "$WORK/repo" "$WORK/state"
if [ -n "${DASHBOARD_PERF_JOBS:-}" ]; then
  node "$HERE/generate_pipeline.cjs" "$DASHBOARD_PERF_JOBS" "$IMAGE" >"$WORK/repo/.gitlab-ci.yml"
else
  cat >"$WORK/repo/.gitlab-ci.yml" <<YAML
image: $IMAGE
stages: [build, test]
build:
  stage: build
  script:
    - printf '\033[32mgreen build\033[0m and \033[1;31mbold red\033[0m\n'
test:
  stage: test
  needs: [build]
  script: ['echo testing']
lint:
  stage: test
  script: ['echo linting']
slow:
  stage: test
  needs: [build]
  script:
    - 'i=0; while [ \$i -lt 200 ]; do i=\$((i+1)); echo "slow line \$i"; sleep 0.3; done'
YAML
fi
git -C "$WORK/repo" init -q -b main
git -C "$WORK/repo" add .
git -C "$WORK/repo" -c user.email=t@t -c user.name=t commit -qm dashboard
TOKEN=dashboard-test-token-0123456789
echo "$TOKEN" >"$WORK/state/token"

XDG_STATE_HOME=$WORK/state DOCKER_PIPELINE_STORE= NO_COLOR=1 \
  "$BIN" serve --listen 127.0.0.1:0 --address-file "$WORK/state/address" --repo "app=$WORK/repo" \
  --token-file "$WORK/state/token" --pull never ${DASHBOARD_PERF_JOBS:+-j 1} >"$WORK/state/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do
  [ -s "$WORK/state/address" ] && break
  sleep 0.1
done
[ -s "$WORK/state/address" ] || { echo "FAIL: serve did not start"; cat "$WORK/state/serve.log"; exit 1; }

NODE_PATH=$CACHE/node_modules DASHBOARD_URL="http://$(cat "$WORK/state/address")" \
  DASHBOARD_TOKEN=$TOKEN DASHBOARD_PERF_JOBS=${DASHBOARD_PERF_JOBS:-} CHROMIUM=$CHROMIUM ARTIFACTS=$ARTIFACTS \
  node "$HERE/dashboard_test.cjs"
status=$?
echo "screenshots: $ARTIFACTS"
if [ $status -ne 0 ]; then
  echo "--- serve log"
  tail -50 "$WORK/state/serve.log"
fi
exit $status
