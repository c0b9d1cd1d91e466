#!/usr/bin/env bash
# Every check of the project, as CI runs it (the README's test command):
#   set-up, cargo fmt --check, the UI's unit tests and type-checked build, clippy -D warnings,
#   then all cargo tests (with a throwaway PostgreSQL for the server's), including the real-window end-to-end tests under Xvfb.
# Exits non-zero on the first failure. Build products live outside the clone
# (CARGO_TARGET_DIR, default ~/.cache/ansinh/target) so a fresh clone reuses a warm build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

START=$SECONDS
step() { printf '\n==> test: %s  (t+%ds)\n' "$*" "$((SECONDS - START))"; }

step "set-up"
bash scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ansinh/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# set-up installed DuckDB for python3: the DuckDB recomputation of the dashboard must run, not skip.
export ANSINH_REQUIRE_DUCKDB=1
mkdir -p "$CARGO_TARGET_DIR"

# One feature set for every cargo step, so nothing is built twice. `custom-protocol` makes the
# app embed ui/dist (as a release bundle does) instead of pointing at a dev server.
FEATURES=(--features custom-protocol)

step "cargo fmt --check"
cargo fmt --all -- --check

# The UI's unit tests run against the real Rust (each test starts `ansinh dev-server` on its own
# database, ui/tests/rust.ts): build the CLI first.
step "build the ansinh CLI for the UI tests"
cargo build -p ansinh-cli
export ANSINH_BIN="$CARGO_TARGET_DIR/debug/ansinh"

step "UI unit tests (vitest, against the real Rust)"
npm --prefix ui test

step "UI type check (svelte-check) and build into ui/dist (embedded by the app)"
npm --prefix ui run build

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets "${FEATURES[@]}" -- -D warnings

# The server's PostgreSQL tests fail (not skip) here: a throwaway cluster on loopback, stopped on exit.
step "PostgreSQL on loopback for the server tests"
source scripts/pg.sh

# The e2e target needs a display: run every test binary under one Xvfb (the e2e harness runs
# one app at a time itself). The screen is larger than the 1280x800 window.
step "cargo test (unit, integration and real-window e2e under Xvfb)"
LOG="$CARGO_TARGET_DIR/ansinh-cargo-test.log"
xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
  cargo test --workspace "${FEATURES[@]}" 2>&1 | tee "$LOG"

# required-features would silently drop the e2e target if the feature were lost: make sure it ran.
grep -q 'Running tests/e2e/main.rs' "$LOG" \
  || { echo "test: error: the e2e tests did not run" >&2; exit 1; }

# The installer (issue 18): the pinned Tauri CLI (ui's devDependencies) bundles the app built
# above into a .deb (debug profile: the same build, packaged in seconds; a release .deb is
# scripts/package.sh's), unpacked as dpkg would, and the packaged binary started in a real window.
step "package the app as a .deb, unpack it and start the packaged app"
npx --prefix ui tauri build --debug --bundles deb --config '{"build":{"beforeBuildCommand":""}}'
DEB="$(ls -t "$CARGO_TARGET_DIR"/debug/bundle/deb/ansinh_*_amd64.deb | head -1)"
rm -rf "$CARGO_TARGET_DIR/deb-root"
dpkg-deb -x "$DEB" "$CARGO_TARGET_DIR/deb-root"
ANSINH_E2E_APP="$CARGO_TARGET_DIR/deb-root/usr/bin/ansinh-app" xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
  cargo test "${FEATURES[@]}" --test e2e packaged -- --ignored 2>&1 | tee -a "$LOG"

step "fuzz the importers and the exchange readers (bounded: FUZZ_SECONDS=${FUZZ_SECONDS:-20} s per importer, FUZZ_EXCHANGE_SECONDS=${FUZZ_EXCHANGE_SECONDS:-10} s per exchange reader)"
bash scripts/fuzz.sh

step "summary (all checks passed in $((SECONDS - START)) s)"
grep -E '^\s+Running |^\s+Doc-tests |^test result:' "$LOG"
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1);
                                                 if ($(i) ~ /^failed;?$/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$LOG"
