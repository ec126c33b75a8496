# Sourced by the other scripts: tool paths and the shared build directory.
# shellcheck shell=bash
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# One warm target directory outside the checkout, so a fresh clone on the
# same machine (CI) builds incrementally. cargo-leptos still writes the site
# to ./target/site.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zorgsignaal/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The checked SQL macros read the committed query data in .sqlx/ instead of
# a database at build time (scripts/sqlx-prepare.sh writes it anew).
export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"
step() { printf '\n==> %s\n' "$*"; }
