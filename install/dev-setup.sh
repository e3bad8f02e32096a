#!/usr/bin/env bash
# For developers and CI, not for users: makes this machine able to build and test docker-pipeline.
#  1. build and test dependencies from Debian's packages (only the missing ones), and ccache:
#     tests/run.sh builds the tree five times; the mutation copy and the installer's clone reuse
#     the main build's objects through it, and a machine keeping its cache rebuilds only changes;
#  2. a Docker engine: when no daemon answers, installs Debian's docker.io and starts dockerd in the
#     background, then waits for /_ping (a user's machine is never touched this way: see install.sh);
#  3. the test images, built locally from Debian packages (install/build-images.sh).
# Idempotent; a second run takes about a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deps.sh
source "$here/deps.sh"

install_packages "${PIPELINE_BUILD_DEPS[@]}" "${PIPELINE_TEST_DEPS[@]}" busybox-static debootstrap git \
  ccache
# npm, for the JUnit consumers from the npm registry (tests/consumers); Node may come from elsewhere.
command -v npm >/dev/null || install_packages nodejs npm
# Headless Chromium for the dashboard's browser test (tests/browser, puppeteer-core drives it).
command -v chromium >/dev/null || install_packages chromium

# PIPELINE_ALLOW_NO_DAEMON=1 (tests/run.sh --allow-no-daemon): a machine without a usable daemon
# still builds and runs the tests that need none; the daemon's tests then skip.
if ! { "$here/docker-engine.sh" && "$here/build-images.sh" "$@"; }; then
  [ "${PIPELINE_ALLOW_NO_DAEMON:-}" = 1 ] || exit 1
  echo "dev-setup: no usable Docker daemon; its tests will skip (PIPELINE_ALLOW_NO_DAEMON=1)" >&2
fi
