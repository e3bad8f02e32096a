#!/usr/bin/env bash
# The permission paths as a user would meet them: CI runs as root, for which every chmod and
# unlink succeeds, so a workspace removal that forgot to repair permissions would pass there.
# Run as root, this creates the user `pipeline-test` (when missing), then, as that user, runs
#   - every unit test binary of BUILD_DIR (directly: ctest would write into the build directory);
#   - the integration tests of workspaces and cleanup (the real binary and daemon: a job's
#     root-owned files in the workspace, artifacts, the reaper, prune, interrupts).
# The daemon: the user joins the group owning /var/run/docker.sock, as a developer using Docker
# without sudo does (the usual set-up, and what the README's installer leads to); only the
# daemon-free unit tests would leave the runner's own cleanup of root-owned workspace files
# untested. Not root: nothing to do (the main pass already ran unprivileged).
# Usage: tests/nonroot.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: tests/nonroot.sh BUILD_DIR}" && pwd)
user=pipeline-test
if [ "$(id -u)" != 0 ]; then
  echo "nonroot.sh: already running as $(id -un); the main pass covered this"
  exit 0
fi
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$user"
fi
socket=/var/run/docker.sock
if [ -S "$socket" ]; then
  group=$(stat -c %G "$socket")
  [ "$group" = root ] || usermod -a -G "$group" "$user"
fi
# The user must reach the binaries: every directory from / to the test binaries.
dir=$build/tests
while [ "$dir" != / ]; do
  [ -x "$dir" ] && [ "$(stat -c %a "$dir" | cut -c3)" -ge 5 ] || chmod o+rx "$dir"
  dir=$(dirname "$dir")
done
home=$(mktemp -d /tmp/pipeline-test-home.XXXXXX)
chown "$user:" "$home"
trap 'rm -rf "$home"' EXIT

as_user() {
  setpriv --reuid="$user" --regid="$user" --init-groups -- \
    env HOME="$home" TMPDIR="$home" XDG_STATE_HOME="$home/state" "$@"
}

failed=()
for test in "$build"/tests/*_test; do
  name=$(basename "$test")
  [ "$name" = integration_test ] && continue
  echo "-- $name as $user"
  as_user "$test" --gtest_brief=1 || failed+=("$name")
done
# The suites where the runner makes, repairs and removes files and objects on the host.
integration='CleanupTest.*:RunTest.TheWorkspace*:RunTest.UserRuns*:RunTest.Artifacts*'
integration+=':RunTest.Commit*:FaultArtifactsTest.*:FaultSignalTest.*:CancelTest.CtrlC*'
integration+=':LeakCheckTest.*'
echo "-- integration_test as $user"
as_user "$build/tests/integration_test" --gtest_brief=1 \
  --gtest_filter="$integration:-CleanupTest.Killing*" || failed+=(integration_test)
if [ "${#failed[@]}" -gt 0 ]; then
  echo "nonroot.sh: failed as $user: ${failed[*]}" >&2
  exit 1
fi
echo "nonroot.sh: unit tests and workspace/cleanup integration tests pass as $user"
