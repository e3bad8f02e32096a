#!/usr/bin/env bash
# A single-node Docker Swarm on a SECOND daemon of this machine, for the swarm-backend tests
# (docs/scale.md). The shared daemon at /var/run/docker.sock is never swarm-initialised.
#   test-swarm.sh start STATE   starts the second daemon of test-remote-daemon.sh (TLS on a
#                               loopback port, its own bridge), gives it a docker_gwbridge of its
#                               own (bridge dp-gw-XXXX on a free 10.199.N.0/24, so the host's
#                               interface names and the first daemon's subnets stay untouched),
#                               runs `swarm init --advertise-addr 127.0.0.1` on it with a random
#                               listen port and data-path port, and adds SWARM=1 to STATE;
#   test-swarm.sh stop STATE    leaves the swarm, stops the daemon, removes its bridges and data.
set -euo pipefail

action=${1:-}
state=${2:-}
[ -n "$action" ] && [ -n "$state" ] || { sed -n '2,12p' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

case "$action" in
  start)
    "$here/test-remote-daemon.sh" start "$state" >/dev/null
    dir=$(sed -n 's/^DIR=//p' "$state")
    d() { docker -H "unix://$dir/docker.sock" "$@"; }
    for n in $(shuf -i 1-250 -n 20); do
      ip route | grep -q "^10\.199\.$n\." || { subnet=$n; break; }
    done
    gw=dp-gw-$(basename "$dir" | tail -c 5)
    echo "$gw" >"$dir/gwbridge"
    d network create --subnet "10.199.$subnet.0/24" \
      --opt com.docker.network.bridge.name="$gw" \
      --opt com.docker.network.bridge.enable_icc=false \
      --opt com.docker.network.bridge.enable_ip_masquerade=false \
      docker_gwbridge >/dev/null
    port=$((20000 + RANDOM % 20000))
    data_port=$((40000 + RANDOM % 9000))
    if ! d swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$port" \
        --data-path-port "$data_port" --default-addr-pool 10.198.0.0/16 >/dev/null; then
      echo "test-swarm: swarm init failed" >&2
      "$0" stop "$state"
      exit 3
    fi
    echo "SWARM=1" >>"$state"
    head -n 1 "$state"
    ;;
  stop)
    [ -f "$state" ] || exit 0
    dir=$(sed -n 's/^DIR=//p' "$state")
    case "$dir" in /tmp/docker-pipeline-remote.*) ;; *) echo "bad state file" >&2; exit 2 ;; esac
    if [ -S "$dir/docker.sock" ]; then
      docker -H "unix://$dir/docker.sock" swarm leave --force >/dev/null 2>&1 || true
    fi
    gw=$(cat "$dir/gwbridge" 2>/dev/null || true)
    "$here/test-remote-daemon.sh" stop "$state"
    # `swarm leave` leaves networks behind, and the bridge lives in the host's namespace.
    case "$gw" in dp-gw-*) ip link del "$gw" 2>/dev/null || true ;; esac
    ;;
  *) echo "test-swarm: unknown action '$action' (start or stop)" >&2; exit 2 ;;
esac
