#!/usr/bin/env bash
# A second Docker daemon on this machine, reached over TLS on a loopback port, standing in for a
# remote build box in the remote-daemon tests (docs/scale.md, docs/testing.md):
#   test-remote-daemon.sh start STATE   makes a CA, a server and a client certificate with openssl,
#                                       starts dockerd with its own data root, exec root, pid file
#                                       and unix socket plus tcp://127.0.0.1:PORT (--tlsverify),
#                                       loads the test busybox image into it, and writes to STATE:
#                                       DOCKER_HOST=tcp://127.0.0.1:PORT, DOCKER_CERT_PATH=DIR/client,
#                                       DIR=the daemon's directory;
#   test-remote-daemon.sh stop STATE    stops it, removes its directory and STATE.
# It must not fight the first daemon over the host's network. NOT --bridge=none: a dockerd
# started with it deletes the host's docker0 (the first daemon's bridge) at start-up. Instead it
# gets a bridge of its own (dp-rt-XXXX, a free 10.199.N.0/24) that this script makes and removes,
# and no iptables rules or masquerading (--iptables=false --ip-masq=false), so the first daemon's
# rules stay as they are; its containers reach each other and the host, not the outside. Its own
# networks come from a free 10.N.0.0/16 and one FORWARD rule of ours (removed by stop) lets
# containers on them talk: the host's FORWARD policy is DROP.
# Needs root, dockerd, ip and openssl; the first daemon (the `docker` CLI's default) provides the
# busybox image (DOCKER_PIPELINE_TEST_IMAGE overrides it).
set -euo pipefail

action=${1:-}
state=${2:-}
[ -n "$action" ] && [ -n "$state" ] || { sed -n '2,19p' "$0" >&2; exit 2; }
image=${DOCKER_PIPELINE_TEST_IMAGE:-docker-pipeline/busybox}
service_image=docker-pipeline/busybox-httpd:latest

make_certificates() {  # make_certificates DIR: ca, server (127.0.0.1, localhost) and client
  local dir=$1
  mkdir -p "$dir/server" "$dir/client"
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=docker-pipeline-test-ca \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server/key.pem \
      -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
      -extfile server.ext -out server/cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout client/key.pem \
      -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
      -extfile client.ext -out client/cert.pem 2>/dev/null
    cp ca.pem server/ca.pem
    cp ca.pem client/ca.pem
    rm -f ./*.csr ./*.ext ca-key.pem
  )
}

drop_forward_rule() {  # drop_forward_rule DIR: the FORWARD rule start added for DIR's pool
  local dir=$1 pool
  pool=$(cat "$dir/pool" 2>/dev/null) || return 0
  iptables -D FORWARD -s "$pool" -d "$pool" -j ACCEPT \
    -m comment --comment "docker-pipeline test daemon $dir" 2>/dev/null || true
}

case "$action" in
  start)
    command -v dockerd >/dev/null || { echo "test-remote-daemon: no dockerd installed" >&2; exit 3; }
    dir=$(mktemp -d /tmp/docker-pipeline-remote.XXXXXX)
    make_certificates "$dir"
    bridge=dp-rt-$(basename "$dir" | tail -c 5)
    for n in $(shuf -i 1-250 -n 20); do
      ip route | grep -q "^10\.199\.$n\." || { subnet=$n; break; }
    done
    ip link add "$bridge" type bridge
    ip addr add "10.199.$subnet.1/24" dev "$bridge"
    ip link set "$bridge" up
    echo "$bridge" >"$dir/bridge"
    # Its own networks (a GitLab job's services) come from a /16 of their own, and one rule lets
    # them forward among themselves: the host's FORWARD policy (DROP, the first daemon's) sees
    # bridged traffic, and with --iptables=false nobody else lets it through.
    for n in $(shuf -i 160-196 -n 20); do
      ip route | grep -q "^10\.$n\." || { pool=10.$n.0.0/16; break; }
    done
    echo "$pool" >"$dir/pool"
    iptables -I FORWARD -s "$pool" -d "$pool" -j ACCEPT \
      -m comment --comment "docker-pipeline test daemon $dir"
    for _ in 1 2 3 4 5; do
      port=$((20000 + RANDOM % 20000))
      # The short socket path: unix socket paths are limited to 108 bytes.
      dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
        -H "unix://$dir/docker.sock" -H "tcp://127.0.0.1:$port" \
        --tlsverify --tlscacert "$dir/server/ca.pem" --tlscert "$dir/server/cert.pem" \
        --tlskey "$dir/server/key.pem" --bridge="$bridge" --iptables=false --ip-masq=false \
        --default-address-pool "base=$pool,size=24" \
        --storage-driver=overlay2 --log-level=warn >"$dir/dockerd.log" 2>&1 &
      for _ in $(seq 1 100); do
        if docker -H "unix://$dir/docker.sock" version >/dev/null 2>&1; then break; fi
        kill -0 $! 2>/dev/null || break
        sleep 0.1
      done
      if docker -H "unix://$dir/docker.sock" version >/dev/null 2>&1; then
        # The GitLab services' image too, when the first daemon has it.
        images=$image
        if docker image inspect "$service_image" >/dev/null 2>&1; then
          images="$image $service_image"
        fi
        # shellcheck disable=SC2086 # two image names
        docker save $images | docker -H "unix://$dir/docker.sock" load >/dev/null
        printf 'DOCKER_HOST=tcp://127.0.0.1:%s\nDOCKER_CERT_PATH=%s\nDIR=%s\n' \
          "$port" "$dir/client" "$dir" >"$state"
        head -n 1 "$state"
        exit 0
      fi
      kill "$(cat "$dir/dockerd.pid" 2>/dev/null || echo $!)" 2>/dev/null || true
      wait || true
    done
    echo "test-remote-daemon: dockerd did not start; its log:" >&2
    cat "$dir/dockerd.log" >&2 || true
    ip link del "$bridge" 2>/dev/null || true
    drop_forward_rule "$dir"
    rm -rf "$dir"
    exit 3
    ;;
  stop)
    [ -f "$state" ] || exit 0
    dir=$(sed -n 's/^DIR=//p' "$state")
    case "$dir" in /tmp/docker-pipeline-remote.*) ;; *) echo "bad state file" >&2; exit 2 ;; esac
    if [ -f "$dir/dockerd.pid" ]; then
      pid=$(cat "$dir/dockerd.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    # Its overlay mounts must go before the directory can.
    { grep -o " $dir/[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r mount; do
      umount -l "$mount" 2>/dev/null || true
    done
    if [ -f "$dir/bridge" ]; then ip link del "$(cat "$dir/bridge")" 2>/dev/null || true; fi
    drop_forward_rule "$dir"
    rm -rf "$dir"
    rm -f "$state"
    ;;
  *) echo "test-remote-daemon: unknown action '$action' (start or stop)" >&2; exit 2 ;;
esac
