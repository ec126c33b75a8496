#!/usr/bin/env bash
# Benchmarks: `signals` (signals over HTTP vs pgbench TPC-B, and a bulk
# import), `mail` (the outbox to a local SMTP server vs lettre straight to
# it) and `live` (500 event-stream subscribers on two instances vs a bare
# LISTEN/NOTIFY; needs the release binary). `scripts/bench.sh` runs all
# three; `scripts/bench.sh mail` one.
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
for bench in ${1:-signals mail live}; do
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS zs_bench WITH (FORCE)" -qc "CREATE DATABASE zs_bench"
  cargo bench --bench "$bench" --features ssr
done
