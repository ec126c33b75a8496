#!/usr/bin/env bash
# Fuzzes the parsers that take input from outside: the BSN parser, the bulk
# import parser (CSV and NDJSON) and the decoding of server-function
# arguments (server_fn's own form decoding, for the five biggest forms).
#
#   scripts/fuzz.sh            every target for FUZZ_SECONDS (default 300) each
#   scripts/fuzz.sh bsn 60     one target for 60 seconds
#
# Needs the nightly toolchain (cargo fuzz builds with sanitizers) and
# installs cargo-fuzz from crates.io when it is missing. Crashes land in
# fuzz/artifacts/<target>/; the corpus grows in fuzz/corpus/<target>/
# (neither is committed). Prints, per target, the runs and the result.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export CARGO_TARGET_DIR="$HOME/.cache/zorgsignaal/fuzz-target"

targets=${1:-"bsn import server_fn_args"}
seconds=${2:-${FUZZ_SECONDS:-300}}
status=0
for t in $targets; do
  mkdir -p "fuzz/corpus/$t"
  log=$(mktemp)
  if cargo +nightly fuzz run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz $t: ${seconds} s, ${runs} runs, no crash"
  else
    echo "fuzz $t: FAILED — see the output below and fuzz/artifacts/$t/" >&2
    tail -40 "$log" >&2
    status=1
  fi
  rm -f "$log"
done
exit $status
