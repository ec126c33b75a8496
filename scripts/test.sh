#!/usr/bin/env bash
# Runs every check and test: rustfmt, clippy (server and browser), the
# release build with its wasm size limit, all Rust tests against a real
# PostgreSQL, and the Playwright suite (hydrated and without JavaScript,
# with axe-core) against the release server. Prints the counts at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

started=$(date +%s)
WASM_LIMIT_KIB=${WASM_LIMIT_KIB:-400}
E2E_ADDR=${E2E_ADDR:-127.0.0.1:3100}
E2E_ADDR_B=${E2E_ADDR_B:-127.0.0.1:3101}     # a second instance on the same database
E2E_MAIL_ADDR=${E2E_MAIL_ADDR:-127.0.0.1:2610} # one mail catcher for both
export ZS_PGPORT=${ZS_PGPORT:-54330}   # apart from the run command's database

scripts/setup.sh

step "private PostgreSQL for the tests (port $ZS_PGPORT)"
scripts/pg.sh start
server_pid=""
server_b_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -n "$server_b_pid" ]; then kill "$server_b_pid" 2>/dev/null || true; fi
  scripts/pg.sh stop
}
trap cleanup EXIT
admin_url=$(scripts/pg.sh admin-url)
export TEST_DATABASE_ADMIN_URL="$admin_url"
# Databases left by earlier runs' tests.
psql "$admin_url" -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'zs_test_%'" \
  | while read -r db; do [ -n "$db" ] && psql "$admin_url" -qc "DROP DATABASE \"$db\" WITH (FORCE)"; done

step "cargo fmt --check"
cargo fmt --check

step "the checked SQL's offline data (.sqlx/) matches the queries and the migrations"
scripts/sqlx-prepare.sh --check

step "clippy, server (warnings denied)"
cargo clippy --all-targets --features ssr -- -D warnings

step "clippy, browser/wasm (warnings denied)"
cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "release build (server and wasm)"
cargo leptos build --release --split

wasm=target/site/pkg/zorgsignaal.wasm
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf 'wasm size: %d KiB raw, %d KiB gzipped (limit %d KiB gzipped)\n' $((raw / 1024)) $((gz / 1024)) "$WASM_LIMIT_KIB"
chunks=0; chunks_gz=0
for f in target/site/pkg/*.wasm; do
  [ "$f" = "$wasm" ] && continue
  chunks=$((chunks + 1)); chunks_gz=$((chunks_gz + $(gzip -9 -c "$f" | wc -c)))
done
printf 'lazily loaded page chunks: %d files, %d KiB gzipped in all\n' "$chunks" $((chunks_gz / 1024))
if [ "$gz" -gt $((WASM_LIMIT_KIB * 1024)) ]; then
  echo "FAIL: the gzipped wasm is over $WASM_LIMIT_KIB KiB" >&2
  exit 1
fi

step "Rust tests (unit and integration, real PostgreSQL and SMTP)"
rust_log=$(mktemp)
# Every mail the integration tests send passes a privacy scan (tests/common/mail.rs).
ZS_TEST_MAIL_DIR=$(mktemp -d)
export ZS_TEST_MAIL_DIR
set +e
# --no-fail-fast: a failing test binary does not hide the ones after it.
cargo test --features ssr --no-fail-fast 2>&1 | tee "$rust_log"
rust_status=${PIPESTATUS[0]}
set -e
mails_scanned=$(cat "$ZS_TEST_MAIL_DIR"/scan.log 2>/dev/null | wc -l)
mail_violations=$(grep -c '^VIOLATION' "$ZS_TEST_MAIL_DIR"/scan.log 2>/dev/null || true)
echo "mail privacy scan: ${mails_scanned} mails from the integration tests, ${mail_violations:-0} with a BSN, date of birth or signal kind"
if [ "${mail_violations:-0}" -ne 0 ]; then
  grep '^VIOLATION' "$ZS_TEST_MAIL_DIR"/scan.log | head -20 >&2
  echo "FAIL: mail carried what it must not" >&2
  exit 1
fi
rust_passed=$(awk '/^test result:/ { s += $4 } END { print s + 0 }' "$rust_log")
rust_failed=$(awk '/^test result:/ { s += $6 } END { print s + 0 }' "$rust_log")
# The failed tests by name (a hang stopped by the watchdog in
# tests/common/mod.rs names itself), repeated in the summary at the end.
rust_failures=$(grep -E '^test .* \.\.\. FAILED$|^WATCHDOG:|exited abnormally|process didn.t exit successfully' "$rust_log" || true)
if [ "$rust_status" -ne 0 ]; then
  echo "Rust tests failed ($rust_failed failed); the browser tests run all the same, to report everything in one run" >&2
fi

step "Playwright against two release server instances on http://$E2E_ADDR and http://$E2E_ADDR_B"
e2e_db=zorgsignaal_e2e
psql "$admin_url" -qc "DROP DATABASE IF EXISTS $e2e_db WITH (FORCE)"
psql "$admin_url" -qc "CREATE DATABASE $e2e_db"
server_log=$(mktemp)
server_b_log=$(mktemp)
# Mail goes to the built-in mail catcher (/dev/mail) of the first instance;
# the second finds its address taken and sends there too.
# As in production: migrations as the owner, the app as its own role.
e2e_owner_url="${admin_url%/*}/$e2e_db"
e2e_app_url="${e2e_owner_url/postgres:\/\/postgres@/postgres://zorgsignaal_app@}"
DATABASE_URL="$e2e_app_url" DATABASE_MIGRATE_URL="$e2e_owner_url" DEMO_DATA=true LEPTOS_SITE_ADDR="$E2E_ADDR" MAIL_SINK_ADDR="$E2E_MAIL_ADDR" \
  LEPTOS_SITE_ROOT=target/site RUST_LOG="${RUST_LOG:-warn,zorgsignaal=info}" \
  "$CARGO_TARGET_DIR/release/zorgsignaal" >"$server_log" 2>&1 &
server_pid=$!
# The second instance starts once the first has migrated and seeded.
for _ in $(seq 1 240); do
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://$E2E_ADDR/ready" && break
  sleep 0.25
done
DATABASE_URL="$e2e_app_url" DATABASE_MIGRATE_URL="$e2e_owner_url" LEPTOS_SITE_ADDR="$E2E_ADDR_B" MAIL_SINK_ADDR="$E2E_MAIL_ADDR" \
  LEPTOS_SITE_ROOT=target/site RUST_LOG="${RUST_LOG:-warn,zorgsignaal=info}" \
  "$CARGO_TARGET_DIR/release/zorgsignaal" >"$server_b_log" 2>&1 &
server_b_pid=$!
e2e_json=$(mktemp)
set +e
(cd end2end && E2E_BASE_URL="http://$E2E_ADDR" E2E_BASE_URL_B="http://$E2E_ADDR_B" PLAYWRIGHT_JSON_OUTPUT_NAME="$e2e_json" \
  npx playwright test --reporter=list,json)
e2e_status=$?
set -e
kill $server_pid $server_b_pid 2>/dev/null || true
if [ "$e2e_status" -ne 0 ]; then
  echo "--- server log (last 40 lines)"; tail -n 40 "$server_log"
  echo "--- second instance's log (last 20 lines)"; tail -n 20 "$server_b_log"
fi
# No BSN and no youth's name in what the servers logged during the browser tests.
set +e
log_scan=$(node scripts/log-scan.mjs "$server_log" "$server_b_log")
log_scan_status=$?
set -e
echo "$log_scan" | grep '^VIOLATION' | head -20 >&2 || true
read -r e2e_passed e2e_failed e2e_skipped < <(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stats;
  console.log(s.expected + s.flaky, s.unexpected, s.skipped);' "$e2e_json")

step "summary ($(( $(date +%s) - started )) s)"
echo "Rust tests: $rust_passed passed, $rust_failed failed"
echo "Playwright tests: $e2e_passed passed, $e2e_failed failed, $e2e_skipped skipped"
echo "mail privacy scan: ${mails_scanned} mails, ${mail_violations:-0} violations"
echo "$log_scan" | tail -n 1
echo "wasm: $((raw / 1024)) KiB raw, $((gz / 1024)) KiB gzipped"
echo "total: $((rust_passed + e2e_passed)) passed, $((rust_failed + e2e_failed)) failed"
if [ "$rust_status" -ne 0 ]; then
  echo "FAILED Rust tests:"
  if [ -n "$rust_failures" ]; then echo "$rust_failures" | sed 's/^/  /'; else echo "  (see the log above; status $rust_status)"; fi
fi
node scripts/e2e-failures.mjs "$e2e_json" || true
[ "$rust_status" -eq 0 ] && [ "$e2e_status" -eq 0 ] && [ "$log_scan_status" -eq 0 ]
