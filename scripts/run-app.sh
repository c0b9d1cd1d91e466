#!/usr/bin/env bash
# Builds and starts the ansinh desktop app (the README's launch command).
#
#   bash scripts/run-app.sh            # optimised build (first build about 3.5 min, then seconds)
#   bash scripts/run-app.sh --debug    # debug build: shares the build with scripts/test.sh
#   ANSINH_DB=/tmp/try.db bash scripts/run-app.sh   # use another database file
#
# The release build is the default: it is what an officer runs (faster start, data loading and
# charts), and it is compiled once. Arguments after `--` go to the app.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PROFILE=(--release)
if [[ "${1:-}" == "--debug" ]]; then
  PROFILE=()
  shift
fi
[[ "${1:-}" == "--" ]] && shift

bash scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ansinh/target}"

echo "==> run-app: building the UI"
npm --prefix ui run build

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "==> run-app: warning: no DISPLAY/WAYLAND_DISPLAY: the window has nowhere to open" >&2
fi

echo "==> run-app: cargo run ${PROFILE[*]} --features custom-protocol --bin ansinh-app"
exec cargo run "${PROFILE[@]}" --features custom-protocol --bin ansinh-app -- "$@"
