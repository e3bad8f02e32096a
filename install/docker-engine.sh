#!/usr/bin/env bash
# Makes a Docker engine answer on /var/run/docker.sock: when none does, installs Debian's docker.io
# and starts dockerd in the background (log: /tmp/dockerd.log), then waits for /_ping.
# Only run when asked: dev-setup.sh (developers, CI) and `install.sh --with-docker`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deps.sh
source "$here/deps.sh"

install_packages curl
daemon_answers() {
  curl -sf --max-time 2 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1
}
daemon_answers && exit 0
if [ -n "${DOCKER_HOST:-}" ] && command -v docker >/dev/null && docker version >/dev/null 2>&1; then
  exit 0  # a daemon elsewhere answers; do not start one here
fi

install_packages docker.io
# The pid of a dockerd started here: tests that restart the daemon (tests/integration/
# fault_daemon_test.cc) do it only to one this script started, never to a user's own.
started_pid_file=/var/run/docker-pipeline-dockerd.pid
# Only the daemon of /var/run/docker.sock counts (its pid file is /var/run/docker.pid): a second
# daemon with its own socket (install/test-remote-daemon.sh) does not serve it. A dockerd that has
# just exited may linger as a zombie: it does not count either.
dockerd_running() {
  local pid
  pid=$(cat /var/run/docker.pid 2>/dev/null) || return 1
  ps -p "$pid" -o comm=,stat= 2>/dev/null | grep -q '^dockerd *[^Z]'
}
if ! dockerd_running; then
  echo "starting dockerd (log: /tmp/dockerd.log)"
  # Its own session: a test or shell that ends its process group must not take the daemon along.
  as_root setsid sh -c "nohup dockerd >>/tmp/dockerd.log 2>&1 </dev/null & echo \$! >$started_pid_file"
fi
for _ in $(seq 1 60); do daemon_answers && exit 0; sleep 0.5; done
echo "docker-engine.sh: dockerd did not answer within 30 s; see /tmp/dockerd.log" >&2
exit 3
