#!/usr/bin/env bash
# Release builds of ansinh from this Linux machine (docs/RELEASE.md says what each makes and what
# was tested):
#   bash scripts/package.sh linux     release .deb of the app (the pinned Tauri CLI) and the CLI
#   bash scripts/package.sh windows   ansinh-app.exe and ansinh.exe cross-built for Windows
#                                     (x86_64-pc-windows-gnu, mingw-w64), then a smoke test of
#                                     ansinh.exe under wine64 (demo, metrics, export)
# Everything lands in dist/ (not tracked). Set-up (packages, targets) is done here as needed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ansinh/target}"
mkdir -p dist

need_packages() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

linux() {
  bash scripts/setup.sh
  # The .deb bundles ui/dist, built by `beforeBuildCommand` (npm run build in ui/).
  npx --prefix ui tauri build --bundles deb
  cargo build --release -p ansinh-cli
  cp "$CARGO_TARGET_DIR"/release/bundle/deb/ansinh_*_amd64.deb dist/
  cp "$CARGO_TARGET_DIR/release/ansinh" dist/ansinh-linux-x86_64
  # An AppImage needs AppRun and linuxdeploy from GitHub, which this machine cannot reach:
  # `tauri build --bundles appimage` stops at "Downloading .../AppRun-x86_64" (docs/RELEASE.md).
  ls -l dist/
}

# Rust's std imports ProcessPrng from bcryptprimitives.dll, which Windows 10/11 have and Debian's
# Wine 8 lacks: for the smoke test only, a shim DLL (RtlGenRandom) beside the .exe. Never shipped.
wine_shim() {
  local dir="$1"
  cat >"$dir/prng.c" <<'C'
#include <windows.h>
#include <ntsecapi.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!RtlGenRandom(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
C
  printf 'LIBRARY bcryptprimitives\nEXPORTS\nProcessPrng\n' >"$dir/prng.def"
  x86_64-w64-mingw32-gcc -shared -o "$dir/bcryptprimitives.dll" "$dir/prng.c" "$dir/prng.def" -ladvapi32
}

windows() {
  need_packages mingw-w64 wine64 nsis
  rustup target add x86_64-pc-windows-gnu
  bash scripts/setup.sh
  npm --prefix ui run build
  local target="x86_64-pc-windows-gnu"
  cargo build --release --target "$target" -p ansinh-cli -p ansinh-app --features ansinh-app/custom-protocol
  local out="$CARGO_TARGET_DIR/$target/release"
  cp "$out/ansinh.exe" "$out/ansinh-app.exe" dist/

  # Smoke test of the CLI under Wine, on a throwaway database and Wine prefix.
  local smoke
  smoke="$(mktemp -d)"
  trap 'rm -rf "$smoke"' RETURN
  cp "$out/ansinh.exe" "$smoke/"
  wine_shim "$smoke"
  export WINEPREFIX="$smoke/prefix" WINEDEBUG=-all
  local wine=/usr/lib/wine/wine64
  [ -x "$wine" ] || wine="$(command -v wine64 || command -v wine)"
  local db='Z:'"${smoke//\//\\}"'\ansinh.db'
  "$wine" "$smoke/ansinh.exe" --db "$db" demo --wards 2 --beneficiaries 50 --months 3
  "$wine" "$smoke/ansinh.exe" --db "$db" metrics --json >"$smoke/metrics.json"
  grep -q '"coverage"' "$smoke/metrics.json" || { echo "package: metrics under Wine printed no figures" >&2; exit 1; }
  "$wine" "$smoke/ansinh.exe" --db "$db" export beneficiaries --out 'Z:'"${smoke//\//\\}"'\people.xlsx'
  [ -s "$smoke/people.xlsx" ] || { echo "package: no export written under Wine" >&2; exit 1; }
  echo "package: ansinh.exe passed the smoke test under Wine (demo, metrics, export)"
  ls -l dist/
}

case "${1:-}" in
  linux) linux ;;
  windows) windows ;;
  *) echo "usage: bash scripts/package.sh linux|windows" >&2; exit 2 ;;
esac
