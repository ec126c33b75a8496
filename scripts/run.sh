#!/usr/bin/env bash
# Starts Zorgsignaal with demo data on http://127.0.0.1:3000 (LEPTOS_SITE_ADDR
# to change). Installs what is missing, starts a private PostgreSQL under
# target/ when DATABASE_URL is not set, builds in release mode, migrates and
# loads the demo data (idempotent). Ctrl-C stops the app and its database;
# the data stays for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

scripts/setup.sh
if [ -z "${DATABASE_URL:-}" ]; then
  step "private PostgreSQL (target/pg-${ZS_PGPORT:-54329})"
  scripts/pg.sh start
  trap 'scripts/pg.sh stop' EXIT
  # Migrations as the owner; the app as its own role (no rewriting the audit log).
  DATABASE_MIGRATE_URL=$(scripts/pg.sh url)
  DATABASE_URL=$(scripts/pg.sh app-url)
  export DATABASE_URL DATABASE_MIGRATE_URL
fi

step "cargo leptos build --release --split"
cargo leptos build --release --split

export DEMO_DATA="${DEMO_DATA:-true}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
step "Zorgsignaal on http://$LEPTOS_SITE_ADDR (log in as anna@ggd.example / demo-wachtwoord)"
"$CARGO_TARGET_DIR/release/zorgsignaal"
