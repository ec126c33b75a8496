#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for development and tests, used when
# DATABASE_URL is not set. Data lives under target/pg (or, when the
# checkout is not reachable for the postgres user, under /var/tmp).
#
#   scripts/pg.sh start   start it (creating it the first time); prints nothing else
#   scripts/pg.sh stop    stop it
#   scripts/pg.sh url     print the DATABASE_URL of the default database
#   scripts/pg.sh admin-url   the URL of the maintenance database "postgres"
#   scripts/pg.sh app-url     the default database as the app's own role
#                             (zorgsignaal_app: it cannot rewrite the audit log;
#                             `url` is the owner's, for migrations)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PGPORT=${ZS_PGPORT:-54329}
PGBIN=${ZS_PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
DB=${ZS_DB:-zorgsignaal}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

datadir() {
  local dir="$ROOT/target/pg-$PGPORT"
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$dir" && chown postgres: "$dir" 2>/dev/null || true
    # postgres must be able to reach the checkout; if not, use a stable
    # place of our own outside it.
    if ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
      dir="/var/tmp/zorgsignaal-pg-$PGPORT-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
      mkdir -p "$dir" && chown postgres: "$dir" && chmod 700 "$dir"
    fi
  else
    mkdir -p "$dir"
  fi
  echo "$dir"
}

start() {
  local dir; dir=$(datadir)
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 256MB
fsync = on
logging_collector = off
CONF
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { echo "PostgreSQL did not start (port $PGPORT taken?):" >&2; tail -n 20 "$dir/server.log" >&2; exit 1; }
  fi
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$DB"
  # The role the app runs as (see migrations/…_audit_roles_and_chain.sql).
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qtAc \
    "SELECT 1 FROM pg_roles WHERE rolname = 'zorgsignaal_app'" | grep -q 1 \
    || as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc \
      "CREATE ROLE zorgsignaal_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" 2>/dev/null || true
}

stop() {
  local dir; dir=$(datadir)
  if [ -f "$dir/data/PG_VERSION" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "postgres://postgres@127.0.0.1:$PGPORT/$DB" ;;
  admin-url) echo "postgres://postgres@127.0.0.1:$PGPORT/postgres" ;;
  app-url) echo "postgres://zorgsignaal_app@127.0.0.1:$PGPORT/$DB" ;;
  *) echo "usage: $0 start|stop|url|admin-url|app-url" >&2; exit 2 ;;
esac
