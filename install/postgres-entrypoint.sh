#!/bin/sh
# Starts Debian's PostgreSQL in the compose file's postgres container: on the first start it
# creates the cluster in $PGDATA with user and database $POSTGRES_USER (password
# $POSTGRES_PASSWORD, required), reachable from the compose network with a password only.
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (install/compose.yml reads it from .env)}"
user=${POSTGRES_USER:-pipeline}
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  "$bin/pg_ctl" -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  "$bin/createdb" -U "$user" "$user"
  "$bin/pg_ctl" -D "$PGDATA" -w stop >/dev/null
fi
exec "$bin/postgres" -D "$PGDATA"
