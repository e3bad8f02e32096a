#!/usr/bin/env bash
# Installs docker-pipeline for the current user as a Docker CLI plugin, so `docker pipeline run`
# works in any repository. It builds from this checkout and installs only what is missing:
#   - build dependencies from Debian's packages (apt-get, with sudo when not root);
#   - the binary to ~/.docker/cli-plugins/docker-pipeline (or, with --system,
#     /usr/local/lib/docker/cli-plugins/docker-pipeline).
# It starts no daemon and changes no system configuration unless asked:
#   --with-docker  when no Docker daemon answers, install Debian's docker.io and start dockerd
#   --sample       then build a tiny local busybox image and run the sample pipeline
#                  (examples/hello) with `docker pipeline run`
# Usage: install/install.sh [--system] [--with-docker] [--sample] [--prefix-build DIR]
# Environment: DOCKER_PIPELINE_RELEASE_FLAGS, the compiler flags of the Release build (default
# CMake's: -O3 -DNDEBUG); CMAKE_CXX_COMPILER_LAUNCHER=ccache builds through ccache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=deps.sh
source "$here/deps.sh"

system=0 with_docker=0 sample=0 build_dir="$top/build-release"
while [ $# -gt 0 ]; do
  case "$1" in
    --system) system=1 ;;
    --with-docker) with_docker=1 ;;
    --sample) sample=1 ;;
    --prefix-build) build_dir=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

install_packages "${PIPELINE_BUILD_DEPS[@]}"
flags=()
[ -n "${DOCKER_PIPELINE_RELEASE_FLAGS:-}" ] &&
  flags=("-DCMAKE_CXX_FLAGS_RELEASE=$DOCKER_PIPELINE_RELEASE_FLAGS")
cmake -S "$top" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIPELINE_BUILD_TESTS=OFF \
  ${flags[@]+"${flags[@]}"} >/dev/null
cmake --build "$build_dir" --target docker-pipeline

if [ "$system" = 1 ]; then
  plugin_dir=/usr/local/lib/docker/cli-plugins
  as_root install -D -m 0755 "$build_dir/plugin/docker-pipeline" "$plugin_dir/docker-pipeline"
else
  plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
  install -D -m 0755 "$build_dir/plugin/docker-pipeline" "$plugin_dir/docker-pipeline"
fi
echo "installed $plugin_dir/docker-pipeline"

if [ "$with_docker" = 1 ]; then
  "$here/docker-engine.sh"
fi
if [ "$sample" = 1 ]; then
  "$here/run-sample.sh"
fi
