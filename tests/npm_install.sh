# shellcheck shell=bash
# Sourced by the test scripts that drive an npm package (tests/browser/run.sh,
# tests/conformance/gitlab/compare_gitlab_ci_local.sh); the caller defines skip MESSAGE (exit 77).
#
# npm_install PACKAGE@VERSION CACHE [ENV=VALUE...]: installs the package under CACHE (a directory
# per version, so a second run costs nothing), with ENV set for npm. A machine without npm, or a
# registry that does not answer, is a skip that says so at once, not after npm's retries.
npm_install() {
  local package=$1 cache=$2
  shift 2
  command -v npm >/dev/null 2>&1 || skip "npm is not installed: cannot install $package"
  mkdir -p "$cache"
  local registry
  registry=$(npm config get registry 2>/dev/null)
  timeout 20 npm ping >"$cache/install.log" 2>&1 ||
    skip "the npm registry ${registry:-} does not answer (offline?): cannot install $package"
  echo "installing $package under $cache"
  if ! env "$@" timeout 300 npm install --no-audit --no-fund --fetch-retries=1 --prefix "$cache" \
    "$package" >>"$cache/install.log" 2>&1; then
    skip "npm could not install $package (offline?): see $cache/install.log"
  fi
}
