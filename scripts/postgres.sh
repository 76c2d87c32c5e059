#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests and benchmarks: Debian's PostgreSQL 15 (installed when
# missing), a new cluster in a temporary directory, on a free port of 127.0.0.1, trusted for
# its own superuser and stopped and deleted when the calling script exits.
#
# Sourced: `start_postgres` sets FALTLOGG_TEST_POSTGRES to the cluster's admin URL
# (postgres://postgres@127.0.0.1:PORT/postgres). Alone: `scripts/postgres.sh` starts one,
# prints the URL and waits until Ctrl-C.
set -euo pipefail

ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    # scripts/setup.sh's apt_install, when sourced after it; else apt directly.
    if declare -F apt_install >/dev/null; then
      apt_install postgresql
    else
      local sudo=""
      [ "$(id -u)" -ne 0 ] && sudo="sudo"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    fi
  fi
}

# A port nothing listens on, tried at random from the dynamic range.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

PG_DIR=""
stop_postgres() {
  [ -n "$PG_DIR" ] || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}

# PostgreSQL refuses to run as root: as root, its programs run as the `postgres` account
# that Debian's package makes.
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  ensure_postgres
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  PG_DIR="$(mktemp -d -t faltlogg-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  trap stop_postgres EXIT
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 \
    --no-locale >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  local port
  port="$(free_port)"
  # Sized for the load tests: several servers, each with its pool. fsync stays on: the
  # fault tests kill servers, not the database, but figures should be a real database's.
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" \
    >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  export FALTLOGG_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  start_postgres
  echo "$FALTLOGG_TEST_POSTGRES"
  echo "(Ctrl-C stops and deletes it)" >&2
  sleep infinity
fi
