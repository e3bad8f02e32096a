#!/usr/bin/env bash
# A throwaway PostgreSQL server for the history store's tests (docs/history.md, docs/testing.md):
#   test-postgres.sh start STATE   initialises a cluster in a new temporary directory, starts it on
#                                  a free loopback port and writes two lines to STATE: the URL
#                                  (postgresql://postgres@127.0.0.1:PORT/postgres) and the directory;
#   test-postgres.sh stop STATE    stops that server and removes its directory and STATE.
# Needs Debian's `postgresql` (install/deps.sh installs it with the test dependencies). initdb
# refuses to run as root, so as root the server runs as `nobody` in a directory it owns.
set -euo pipefail

action=${1:-}
state=${2:-}
[ -n "$action" ] && [ -n "$state" ] || { sed -n '2,7p' "$0" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
as_server() {  # as_server CMD...: as `nobody` when we are root, else as ourselves
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else "$@"; fi
}

case "$action" in
  start)
    [ -x "$bin/initdb" ] || { echo "test-postgres: no PostgreSQL server installed (Debian: postgresql)" >&2; exit 3; }
    dir=$(mktemp -d /tmp/docker-pipeline-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir"
    as_server "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 3; }
    # A free port: try a few at random above the usual ones; pg_ctl fails fast on a taken one.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      port=$((20000 + RANDOM % 20000))
      if as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
           -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
        printf 'postgresql://postgres@127.0.0.1:%s/postgres\n%s\n' "$port" "$dir" >"$state"
        cat "$state" | head -n 1
        exit 0
      fi
    done
    echo "test-postgres: the server did not start; its log:" >&2
    cat "$dir/log" >&2 || true
    rm -rf "$dir"
    exit 3
    ;;
  stop)
    [ -f "$state" ] || exit 0
    dir=$(sed -n 2p "$state")
    if [ -d "$dir/data" ]; then as_server "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    case "$dir" in /tmp/docker-pipeline-pg.*) rm -rf "$dir" ;; esac
    rm -f "$state"
    ;;
  *) echo "test-postgres: unknown action '$action' (start or stop)" >&2; exit 2 ;;
esac
