#!/usr/bin/env bash
# A CI step of tests/run.sh: what a new user does first, from a fresh clone of this checkout's
# HEAD, with a throwaway HOME (so the user's own ~/.docker is never touched):
#   1. README's first command, `install/install.sh --with-docker --sample`: with a daemon already
#      answering it must not install docker.io (apt-get is replaced by a stand-in that fails the
#      step, and dpkg-query claims docker.io is absent), must install the plugin into
#      $HOME/.docker/cli-plugins and run the sample pipeline through `docker pipeline run`;
#   2. `pre-commit try-repo` of the clone's .pre-commit-hooks.yaml at the pre-push stage, in a
#      repository whose pipeline passes (the hook passes) and in one whose pipeline fails (the
#      hook fails).
# The installer's build goes through ccache when there is one (CMAKE_CXX_COMPILER_LAUNCHER) with
# tests/run.sh's flags (DOCKER_PIPELINE_RELEASE_FLAGS="-O1 -DNDEBUG", as its first build), so it
# finds that build's objects and costs about a link. Work directory: INSTALL_CHECK_DIR (default
# <repo>/build-install-check), emptied first.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=${INSTALL_CHECK_DIR:-$top/build-install-check}
fail() { echo "test-install.sh: $*" >&2; exit 1; }
command -v pre-commit >/dev/null || fail "pre-commit is missing (install/deps.sh's test deps)"
command -v docker >/dev/null || fail "the docker CLI is missing (install/dev-setup.sh)"

rm -rf "$work"
mkdir -p "$work/home" "$work/shims"
git clone -q "$top" "$work/clone"
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR=$work/clone CCACHE_NOHASHDIR=1
  # ccache finds its cache and its configuration through HOME: keep this user's, or the build
  # below would start from the throwaway HOME's empty cache.
  export CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir)}
  config=$(ccache -p | sed -n 's|^(\(/[^)]*\)) .*|\1|p' | grep -v '^/etc/' | head -n 1 || true)
  [ -z "$config" ] || export CCACHE_CONFIGPATH=${CCACHE_CONFIGPATH:-$config}
fi
export HOME=$work/home
unset DOCKER_CONFIG
# tests/run.sh's build flags: the objects of its build (paths hashed relative to the checkout and
# the clone) serve this one.
export DOCKER_PIPELINE_RELEASE_FLAGS=${DOCKER_PIPELINE_RELEASE_FLAGS:-"-O1 -DNDEBUG"}

# Stand-ins: installing anything is a failure here (every dependency is present in CI), and
# docker.io looks absent, so only the answering daemon can keep the installer from installing it.
cat >"$work/shims/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$*" >>"$work/apt-get.calls"
echo "test-install.sh: the installer ran apt-get \$*" >&2
exit 1
EOF
cat >"$work/shims/dpkg-query" <<'EOF'
#!/bin/sh
for arg in "$@"; do [ "$arg" = docker.io ] && exit 1; done
exec /usr/bin/dpkg-query "$@"
EOF
chmod +x "$work/shims/apt-get" "$work/shims/dpkg-query"

echo "-- install/install.sh --with-docker --sample (fresh clone, HOME=$HOME)"
status=0
PATH="$work/shims:$PATH" "$work/clone/install/install.sh" --with-docker --sample \
  >"$work/install.log" 2>&1 || status=$?
if [ "$status" != 0 ] || [ -e "$work/apt-get.calls" ]; then
  tail -n 30 "$work/install.log" >&2
  fail "the installer failed (exit $status) or tried to install: $(cat "$work/apt-get.calls" 2>/dev/null)"
fi
plugin=$HOME/.docker/cli-plugins/docker-pipeline
[ -x "$plugin" ] || fail "no plugin at $plugin"
grep -q "running: docker pipeline run" "$work/install.log" || fail "the sample did not run"
grep -q "build | hello from build on commit" "$work/install.log" ||
  { tail -n 30 "$work/install.log" >&2; fail "the sample's output is missing"; }

echo "-- pre-commit try-repo (pre-push stage)"
export PATH=$HOME/.docker/cli-plugins:$PATH  # the hook's entry is `docker-pipeline run ...`
# pre-commit 3.2 renamed the stages (push -> pre-push); Debian 12 has 3.0.
stage=push
version=$(pre-commit --version | awk '{print $2}')
[ "$(printf '3.2\n%s\n' "$version" | sort -V | head -1)" = 3.2 ] && stage=pre-push
try_repo() {  # try_repo DIR SCRIPT_LINE: pre-commit try-repo in a new repository; its exit code
  local dir=$1 line=$2
  mkdir -p "$dir"
  printf 'image: docker-pipeline/busybox:latest\njob:\n  script: [%s]\n' "$line" >"$dir/.pipeline.yml"
  git -C "$dir" init -q -b main
  git -C "$dir" add -A
  git -C "$dir" -c user.name=t -c user.email=t@localhost commit -qm "pipeline"
  (cd "$dir" && pre-commit try-repo "$work/clone" docker-pipeline --hook-stage "$stage" \
    --all-files >"$dir.log" 2>&1)
}
try_repo "$work/passing" "'echo hook ran'" || { cat "$work/passing.log" >&2; fail "the hook failed on a passing pipeline"; }
grep -q "Passed" "$work/passing.log" || { cat "$work/passing.log" >&2; fail "the hook did not pass"; }
if try_repo "$work/failing" "'exit 3'"; then
  cat "$work/failing.log" >&2
  fail "the hook passed on a failing pipeline"
fi
grep -q "Failed" "$work/failing.log" || { cat "$work/failing.log" >&2; fail "the hook did not report the failure"; }
echo "test-install.sh: the installer and the pre-commit hook work from a fresh clone"
