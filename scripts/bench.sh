#!/usr/bin/env bash
# Benchmark of issue 3: signals over HTTP vs pgbench TPC-B, and a bulk import.
# Starts its own PostgreSQL cluster on port 54331 and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export ZS_PGPORT=54331
scripts/pg.sh start
trap 'scripts/pg.sh stop' EXIT
admin_url=$(scripts/pg.sh admin-url)
psql "$admin_url" -qc "DROP DATABASE IF EXISTS zs_pgbench WITH (FORCE)" -qc "CREATE DATABASE zs_pgbench"
# A fresh database every run: signals and imports of an earlier run would be
# refused as duplicates and spoil the figures (filling 1M youths takes ~50 s).
psql "$admin_url" -qc "DROP DATABASE IF EXISTS zs_bench WITH (FORCE)" -qc "CREATE DATABASE zs_bench"
export BENCH_DATABASE_URL="${admin_url%/*}/zs_bench" PGBENCH_URL="${admin_url%/*}/zs_pgbench"
PGBENCH=${PGBENCH:-$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | head -1)}
export PGBENCH
cargo bench --bench signals --features ssr
