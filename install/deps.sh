#!/usr/bin/env bash
# Installs what building docker-pipeline needs from Debian's packages, only what is missing.
# Sourced by install.sh and dev-setup.sh; defines install_build_deps.

# libpq-dev: Poco's PostgreSQL connector links libpq (the run history's PostgreSQL store).
PIPELINE_BUILD_DEPS=(cmake ninja-build g++ pkg-config libgit2-dev libyaml-cpp-dev libpoco-dev
                     libpq-dev libspdlog-dev libfmt-dev libcli11-dev)
# ant + ant-optional: Ant's <junitreport>, one of the real JUnit consumers the tests run.
# clang + its runtime (only recommended by clang, so named): libFuzzer for tests/fuzz.
# postgresql + sqlite3: the history store's tests run against a real server and read the file
# with the sqlite3 client (install/test-postgres.sh).
PIPELINE_TEST_DEPS=(libgtest-dev libgmock-dev ant ant-optional clang libclang-rt-14-dev
                    postgresql sqlite3)
# prometheus: its promtool checks the service's /metrics text (tests/integration/service_*).
PIPELINE_TEST_DEPS+=(prometheus)
# pre-commit: install/test-install.sh tries .pre-commit-hooks.yaml with it.
PIPELINE_TEST_DEPS+=(pre-commit)
# docker-compose: install/test-deploy.sh checks install/compose.yml with it.
PIPELINE_TEST_DEPS+=(docker-compose)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# install_packages PKG...: apt-get installs the ones not installed yet; nothing when all are there.
install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}
