#!/usr/bin/env bash
# Installs whatever is missing on a Debian 12 machine: Chromium, PostgreSQL,
# the wasm32 target, cargo-leptos, wasm-bindgen-cli (the version in
# Cargo.lock) and the npm packages (Playwright, axe, binaryen's wasm-opt, the
# NL Design System CSS). Everything comes from the package registries; a
# second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_missing+=(postgresql)
command -v npm >/dev/null 2>&1 || apt_missing+=(nodejs npm)
command -v cc >/dev/null 2>&1 || apt_missing+=(build-essential)
command -v gzip >/dev/null 2>&1 || apt_missing+=(gzip)
if [ ${#apt_missing[@]} -gt 0 ]; then
  step "apt-get install ${apt_missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust (rustup, cargo) is needed: https://rustup.rs" >&2
  exit 1
fi
rustup target list --installed | grep -qx wasm32-unknown-unknown || {
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
}
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

# A quick release profile for the tools: half the build time, same behaviour.
quick_install() {
  CARGO_TARGET_DIR="$HOME/.cache/zorgsignaal/tools" \
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install "$@"
}

if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos 0.3.10" ]; then
  step "cargo install cargo-leptos 0.3.10 (once, about 12 minutes)"
  quick_install cargo-leptos --version 0.3.10 --locked
fi

wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
  step "cargo install wasm-bindgen-cli $wbg (once, about 3 minutes)"
  # Not --locked: its lock file wants a crate version the registry lacks.
  quick_install wasm-bindgen-cli --version "$wbg" --force
fi

# sqlx-cli at the version of the sqlx crate: checks that .sqlx/ matches the
# migrations (scripts/test.sh) and writes it anew (scripts/sqlx-prepare.sh).
sqlx_version=$(awk '/^name = "sqlx"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(sqlx --version 2>/dev/null)" != "sqlx-cli $sqlx_version" ]; then
  step "cargo install sqlx-cli $sqlx_version (once, about 5 minutes)"
  quick_install sqlx-cli --version "$sqlx_version" --locked --no-default-features --features postgres,rustls
fi

if [ ! -f end2end/node_modules/.package-lock.json ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  step "npm ci (end2end: Playwright, axe-core, binaryen, NL Design System CSS)"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

# The NL Design System CSS is served from our own origin (no CDN).
mkdir -p public/vendor
nlds=end2end/node_modules
cp -u "$nlds/@utrecht/component-library-css/dist/index.css" public/vendor/utrecht-component-library.css
cp -u "$nlds/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css" public/vendor/voorbeeld-theme.css
