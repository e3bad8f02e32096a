#!/usr/bin/env bash
# Builds the local images the sample and the tests use, from Debian packages only (no registry is
# needed or contacted). Idempotent: an image that exists is left alone unless --force.
#   docker-pipeline/busybox:latest   busybox-static imported as an image (~2 MB, instant)
#   docker-pipeline/busybox-httpd:latest  the same, serving /www on port 8080 (a service to test with)
#   docker-pipeline/test-pipe:2  the same with an entrypoint that acts as a Bitbucket pipe
#   docker-pipeline/debian:bookworm  debootstrap --variant=minbase with bash and git (~1 min once)
# Usage: install/build-images.sh [--busybox-only] [--force]
set -euo pipefail

busybox_only=0 force=0
for arg in "$@"; do
  case "$arg" in
    --busybox-only) busybox_only=1 ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "build-images.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

docker_cli=$(command -v docker || true)
[ -n "$docker_cli" ] || { echo "build-images.sh: no docker client on PATH" >&2; exit 3; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
  echo "build-images.sh: no Docker daemon answers (run install/dev-setup.sh to start one)" >&2; exit 3; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
have_image() { [ "$force" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

build_busybox() {
  local image=docker-pipeline/busybox:latest
  have_image "$image" && return 0
  apt_install busybox-static
  local root; root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - "$image" >/dev/null
  echo "built $image"
}

build_busybox_httpd() {
  local image=docker-pipeline/busybox-httpd:latest
  have_image "$image" && return 0
  local root; root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root/www"
  echo "hello from the service" >"$root/www/index.html"
  # docker import cannot extend an image: export busybox's files beside /www and import the lot.
  local container
  container=$(docker create docker-pipeline/busybox:latest true)
  docker export "$container" | tar -C "$root" -x
  docker rm "$container" >/dev/null
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' \
    -c 'CMD ["/bin/httpd", "-f", "-p", "8080", "-h", "/www"]' - "$image" >/dev/null
  echo "built $image"
}

build_test_pipe() {
  local image=docker-pipeline/test-pipe:2
  have_image "$image" && return 0
  local root; root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  local container
  container=$(docker create docker-pipeline/busybox:latest true)
  docker export "$container" | tar -C "$root" -x
  docker rm "$container" >/dev/null
  # A pipe as the tests use it: it shows what it was given, may write a file into the clone dir,
  # fetch a URL (a service on localhost), sleep, and exits with $EXIT_WITH. The tag is its
  # version: change it with the script, so machines that have the old one build the new one.
  cat >"$root/pipe.sh" <<'PIPE'
#!/bin/sh
echo "pipe: GREETING=$GREETING in $(pwd) (clone dir $BITBUCKET_CLONE_DIR)"
i=0
while [ "$i" -lt "${ITEMS_COUNT:-0}" ]; do
  eval "echo \"pipe: item $i=\$ITEMS_$i\""
  i=$((i + 1))
done
[ -z "$SHOW" ] || echo "pipe: show $SHOW"
[ -z "$WRITE_FILE" ] || echo "written by the pipe" >"$WRITE_FILE"
[ -z "$FETCH_URL" ] || wget -q -O - "$FETCH_URL"
[ -z "$SLEEP" ] || { echo "pipe: sleeping"; sleep "$SLEEP"; }
exit "${EXIT_WITH:-0}"
PIPE
  chmod 755 "$root/pipe.sh"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'ENTRYPOINT ["/pipe.sh"]' - "$image" \
    >/dev/null
  echo "built $image"
}

debian_mirror() {
  # The machine's own apt source, so no host name is written into this repository.
  # Only enabled source files (*.list, *.sources); the first Debian archive that is not security.
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  grep -hE '^(deb|URIs:)[[:space:]]' "${files[@]}" 2>/dev/null |
    sed -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/^URIs:[[:space:]]*//' |
    awk '{print $1}' | grep -v -e security -e nodesource | grep debian | head -n1 || true
}

build_debian() {
  local image=docker-pipeline/debian:bookworm
  have_image "$image" && return 0
  apt_install debootstrap
  local root; root=$(mktemp -d)
  trap 'as_root rm -rf "$root"' RETURN
  local mirror log
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { echo "build-images.sh: no Debian mirror found in the apt sources" >&2; exit 3; }
  log=$(mktemp)
  if ! as_root debootstrap --variant=minbase --include=bash,git,ca-certificates bookworm "$root" \
      "$mirror" >"$log" 2>&1; then
    tail -n 20 "$log" >&2; rm -f "$log"
    echo "build-images.sh: debootstrap from $mirror failed" >&2; exit 3
  fi
  rm -f "$log"
  as_root tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$image" >/dev/null
  echo "built $image"
}

build_busybox
build_busybox_httpd
build_test_pipe
[ "$busybox_only" = 1 ] || build_debian
