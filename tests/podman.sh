#!/usr/bin/env bash
# The shared pipeline tests against Podman's Docker-compatible API (README.md, "Podman"):
#   tests/podman.sh BUILD_DIR [GTEST_FILTER]
# starts `podman system service --time=0` on a socket of its own, with its own storage root,
# run root and network config under a temporary directory (the shared Docker daemon and any
# other Podman state are not touched), loads the busybox test image into it, runs
# BUILD_DIR/tests/integration_test with DOCKER_HOST pointing at it, stops the service and
# removes the directory. Podman gets no default_ulimits here: docker-pipeline sets
# HostConfig.Ulimits itself. Only runc/cgroupfs are chosen (crun refuses cgroup v1 hybrid).
# Needs root, podman, runc and catatonit. Exit status: integration_test's.
set -euo pipefail
build=${1:?usage: tests/podman.sh BUILD_DIR [GTEST_FILTER]}
filter=${2:-RunTest.*:ExitCodeTest.*:ShellOnFailureTest.OpensAt*}
image=${DOCKER_PIPELINE_TEST_IMAGE:-docker-pipeline/busybox}
command -v podman >/dev/null || { echo "podman.sh: podman is not installed" >&2; exit 3; }

dir=$(mktemp -d /tmp/dp-podman.XXXXXX)
conf=$dir/containers.conf
cat >"$conf" <<CONF
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
podman_() { CONTAINERS_CONF=$conf podman --root "$dir/root" --runroot "$dir/run" "$@"; }
service_pid=""
cleanup() {
  [ -z "$service_pid" ] || kill "$service_pid" 2>/dev/null || true
  [ -z "$service_pid" ] || wait "$service_pid" 2>/dev/null || true
  podman_ rm -af >/dev/null 2>&1 || true
  podman_ system reset -f >/dev/null 2>&1 || true
  umount "$dir/root/overlay" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

socket=$dir/podman.sock
podman_ system service --time=0 "unix://$socket" >"$dir/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.2; done
[ -S "$socket" ] || { cat "$dir/service.log" >&2; exit 3; }
docker save "$image" | podman_ load -q >/dev/null
echo "podman.sh: $(podman_ version --format '{{.Server.Version}}' 2>/dev/null || podman --version) at unix://$socket"
start=$SECONDS
status=0
DOCKER_HOST=unix://$socket "$build/tests/integration_test" --gtest_filter="$filter" || status=$?
echo "podman.sh: $((SECONDS - start)) s, exit $status"
left=$(podman_ ps -aq --filter label=io.docker-pipeline.tool | wc -l)
echo "podman.sh: containers left in Podman: $left"
[ "$left" = 0 ] || status=1
exit "$status"
