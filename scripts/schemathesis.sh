#!/usr/bin/env bash
# Property-based tests of the REST API (/api/v1) against its own OpenAPI
# document, with schemathesis from PyPI: every operation with generated
# valid and invalid input, checked for 5xx responses, responses that do not
# match the document, and undocumented status codes.
#
#   scripts/schemathesis.sh           200 examples per operation
#   SCHEMATHESIS_EXAMPLES=1000 scripts/schemathesis.sh
#
# Starts its own PostgreSQL cluster (port 54333) and a release server with
# the demo data on 127.0.0.1:3300, gives GGD Groningen an API key, and
# stops everything afterwards. Needs the release build (scripts/test.sh or
# `cargo leptos build --release`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export ZS_PGPORT=54333
scripts/pg.sh start
admin_url=$(scripts/pg.sh admin-url)
db_url="${admin_url%/*}/zs_schemathesis"
psql "$admin_url" -qc "DROP DATABASE IF EXISTS zs_schemathesis WITH (FORCE)" -qc "CREATE DATABASE zs_schemathesis"

venv="$HOME/.cache/zorgsignaal/venv"
[ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }

addr=127.0.0.1:3300
log=$(mktemp)
DATABASE_URL="$db_url" DEMO_DATA=true LEPTOS_SITE_ADDR=$addr LEPTOS_SITE_ROOT=target/site \
  API_CALLS_PER_MINUTE=1000000 RUST_LOG=warn "$CARGO_TARGET_DIR/release/zorgsignaal" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; scripts/pg.sh stop' EXIT
for _ in $(seq 1 240); do curl -sf "http://$addr/ready" >/dev/null && break; sleep 0.25; done

# An API key for GGD Groningen, made the way the app makes them (only the
# SHA-256 of the key is stored).
token="zs_schemathesis_$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
psql "$db_url" -qc "INSERT INTO api_tokens (id, organisation_id, name, token_hash, hint, created_by)
  SELECT gen_random_uuid(), o.id, 'schemathesis', decode('$hash', 'hex'), 'zs_…', u.id
    FROM organisations o JOIN users u ON u.email = 'rita@regio.example' WHERE o.name = 'GGD Groningen'"

# Every check but one: `positive_data_acceptance` expects any request that
# fits the document's types to succeed, but the rules that a schema cannot
# say (the eleven-check of a BSN, a birth date under 23 years, a
# municipality that exists, a professional of the key's organisation) are
# documented 422s with a message per field.
status=0
"$venv/bin/schemathesis" run "http://$addr/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --exclude-checks positive_data_acceptance \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-200}" \
  --suppress-health-check all \
  --no-color || status=$?
if grep -q "panicked" "$log"; then
  echo "the server panicked:" >&2
  grep -A5 "panicked" "$log" >&2
  status=1
fi
exit $status
