#!/usr/bin/env bash
# Writes .sqlx/ anew: the query data the checked SQL macros (query!,
# query_as!, query_scalar!) are compiled against, from a fresh database with
# every migration applied. Run it after changing a query or a migration and
# commit .sqlx/; scripts/test.sh fails while it is out of date.
# `--check` only compares (what scripts/test.sh runs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export ZS_PGPORT=${ZS_PGPORT:-54330}
scripts/pg.sh start >/dev/null
admin_url=$(scripts/pg.sh admin-url)
db=zs_sqlx_prepare
psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -qc "CREATE DATABASE $db"
url="${admin_url%/*}/$db"
sqlx migrate run --database-url "$url" --source migrations >/dev/null
DATABASE_URL="$url" SQLX_OFFLINE=false cargo sqlx prepare --no-dotenv "$@" -- --lib --features ssr
psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
