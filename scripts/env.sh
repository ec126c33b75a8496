# Sourced by the other scripts: tool paths and the shared build directory.
# shellcheck shell=bash
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# One warm target directory outside the checkout, so a fresh clone on the
# same machine (CI) builds incrementally. cargo-leptos still writes the site
# to ./target/site.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zorgsignaal/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
step() { printf '\n==> %s\n' "$*"; }
