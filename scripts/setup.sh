#!/usr/bin/env bash
# Installs what building, running and testing ansinh needs; idempotent and quick when warm.
#   - Debian/Ubuntu packages for Tauri 2 (WebKitGTK 4.1), Xvfb and WebKitWebDriver (e2e tests),
#     PostgreSQL (the server's tests run against a throwaway cluster, scripts/pg.sh);
#   - the UI's npm packages (`npm ci` in ui/ when node_modules is missing or older than the lock);
#   - tauri-driver 2.1.0 (cargo install) for the real-window end-to-end tests;
#   - DuckDB 2.0.1 for python3 (pip), which bench/duckdb_dashboard.py recomputes the dashboard with.
# Runs as root, or uses sudo for apt-get. Needs Rust (cargo, 1.94+) and Node.js 20.19+ already.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '==> setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# --- System packages -------------------------------------------------------------------------
APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential curl wget file libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev pkg-config
  xvfb xauth webkit2gtk-driver postgresql
)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

if command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    SUDO=()
    if [[ "$(id -u)" -ne 0 ]]; then
      command -v sudo >/dev/null || die "not root and no sudo: install as root: ${missing[*]}"
      SUDO=(sudo)
    fi
    log "installing system packages: ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    log "system packages: all ${#APT_PACKAGES[@]} present"
  fi
else
  log "not a Debian/Ubuntu system: install the equivalents of these yourself:"
  log "  ${APT_PACKAGES[*]}"
  log "  (WebKitGTK 4.1 dev files, a C toolchain, OpenSSL, librsvg, libxdo, Xvfb + xauth, WebKitWebDriver)"
fi

# --- Toolchains the project does not install ------------------------------------------------
command -v cargo >/dev/null || die "cargo not found: install Rust 1.94+ (https://rustup.rs)"
command -v node >/dev/null || die "node not found: install Node.js 20.19+ with npm"
node -e '
  const [maj, min] = process.versions.node.split(".").map(Number);
  process.exit(maj > 20 || (maj === 20 && min >= 19) ? 0 : 1);
' || die "Node.js $(node --version) is too old: the UI needs 20.19+"
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  command -v rustup >/dev/null || die "cargo fmt / cargo clippy missing and no rustup to add them"
  log "adding rustfmt and clippy"
  rustup component add rustfmt clippy
fi

# --- UI packages ------------------------------------------------------------------------------
# node_modules is fresh when it was installed from the current package-lock.json: the lock's
# hash is stamped into node_modules after `npm ci`. A node_modules without a stamp (installed by
# hand) is adopted when npm's own record of the install is newer than the lock.
LOCK=ui/package-lock.json
STAMP=ui/node_modules/.ansinh-lock.sha256
[[ -f "$LOCK" ]] || die "$LOCK is missing"
lock_hash="$(sha256sum "$LOCK" | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$lock_hash" ]]; then
  log "ui/node_modules: up to date"
elif [[ ! -f "$STAMP" && -f ui/node_modules/.package-lock.json \
        && ui/node_modules/.package-lock.json -nt "$LOCK" ]]; then
  log "ui/node_modules: installed after the last lock change; stamping it"
  printf '%s\n' "$lock_hash" > "$STAMP"
else
  log "ui/node_modules: missing or stale: npm ci"
  npm ci --prefix ui --no-audit --no-fund
  printf '%s\n' "$lock_hash" > "$STAMP"
fi

# --- tauri-driver (e2e tests) -----------------------------------------------------------------
TAURI_DRIVER_VERSION=2.1.0
if cargo install --list | grep -q "^tauri-driver v${TAURI_DRIVER_VERSION}:"; then
  log "tauri-driver ${TAURI_DRIVER_VERSION}: present"
else
  log "installing tauri-driver ${TAURI_DRIVER_VERSION} (about 30-60 s)"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
fi

# --- cargo-fuzz (bounded fuzzing of the importers, scripts/fuzz.sh; needs a nightly toolchain) ---
if ! rustup toolchain list | grep -q '^nightly'; then
  log "installing the nightly toolchain for cargo-fuzz"
  rustup toolchain install nightly --profile minimal
fi
if cargo install --list | grep -q '^cargo-fuzz '; then
  log "cargo-fuzz: present"
else
  log "installing cargo-fuzz (about 1-2 min)"
  cargo install cargo-fuzz --locked
fi

# --- DuckDB for python3 (bench/duckdb_dashboard.py: the benchmark and the test suite --------
# --- recompute the dashboard with it) ----------------------------------------------------------
DUCKDB_VERSION=2.0.1
command -v python3 >/dev/null || die "python3 not found: install Python 3.9+"
if python3 -c "import sys, duckdb; sys.exit(duckdb.__version__ != '${DUCKDB_VERSION}')" 2>/dev/null; then
  log "python duckdb ${DUCKDB_VERSION}: present"
else
  if ! python3 -m pip --version >/dev/null 2>&1; then
    command -v apt-get >/dev/null || die "python3 has no pip: install pip for $(command -v python3)"
    SUDO=()
    [[ "$(id -u)" -eq 0 ]] || SUDO=(sudo)
    log "installing python3-pip"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-pip
  fi
  log "installing python duckdb ${DUCKDB_VERSION} (pip)"
  # A Debian system python refuses a plain install (PEP 668, "externally managed"): then it
  # goes into the user's site-packages, which shadows nothing the system uses.
  python3 -m pip install --quiet --disable-pip-version-check "duckdb==${DUCKDB_VERSION}" \
    || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages \
      "duckdb==${DUCKDB_VERSION}"
  python3 -c "import duckdb" || die "python3 still cannot import duckdb"
fi

log "done"
