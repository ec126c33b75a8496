#!/usr/bin/env bash
# Benchmarks: `signals` (signals over HTTP vs pgbench TPC-B, and a bulk
# import), `mail` (the outbox to a local SMTP server vs lettre straight to
# it), `live` (500 event-stream subscribers on two instances vs a bare
# LISTEN/NOTIFY; needs the release binary) and `reports` (report views on
# 5 million youths vs GROUP BY over the raw tables; generates that dataset
# once, in database zs_reports, which takes some minutes) and `load` (the
# realistic mix on two instances in stages, capacity at p99 < 250 ms, and
# with LOAD_SOAK=1 a 10-minute soak at half of it; needs the release binary).
# `scripts/bench.sh` runs all five; `scripts/bench.sh mail` one.
# `scripts/bench.sh faults` (not in the five: it restarts this cluster and
# takes about seven minutes) checks PostgreSQL restarts, SMTP down for two
# minutes and kill -9 of an instance, with PASS/FAIL per check.
# Starts its own PostgreSQL cluster on port 54331 and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export ZS_PGPORT=54331
scripts/pg.sh start
trap 'scripts/pg.sh stop' EXIT
admin_url=$(scripts/pg.sh admin-url)
psql "$admin_url" -qc "DROP DATABASE IF EXISTS zs_pgbench WITH (FORCE)" -qc "CREATE DATABASE zs_pgbench"
export BENCH_DATABASE_URL="${admin_url%/*}/zs_bench" PGBENCH_URL="${admin_url%/*}/zs_pgbench"
PGBENCH=${PGBENCH:-$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | head -1)}
export PGBENCH
# A fresh database for every benchmark: signals and imports of an earlier
# run would be refused as duplicates and spoil the figures.
for bench in ${1:-signals mail live reports load}; do
  if [ "$bench" = reports ]; then
    export REPORTS_DATABASE_URL="${admin_url%/*}/zs_reports"
    if ! psql "$REPORTS_DATABASE_URL" -tAc "SELECT count(*) FROM youths" 2>/dev/null | grep -q '^[1-9][0-9]\{6,\}$'; then
      psql "$admin_url" -qc "DROP DATABASE IF EXISTS zs_reports WITH (FORCE)" -qc "CREATE DATABASE zs_reports"
      cargo build --release --example generate --features ssr
      DATABASE_URL="$REPORTS_DATABASE_URL" "$CARGO_TARGET_DIR/release/examples/generate"
    fi
  else
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS zs_bench WITH (FORCE)" -qc "CREATE DATABASE zs_bench"
  fi
  cargo bench --bench "$bench" --features ssr
done
