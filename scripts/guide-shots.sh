#!/usr/bin/env bash
# Copies the pictures the user guides show (docs/HUONG-DAN.md, docs/USER-GUIDE.md) from the
# end-to-end tests' output into docs/guide/. Run it after the e2e tests (bash scripts/test.sh),
# which take them at 1366x768 into <target>/tmp/e2e/<test>/NAME.png.
#
#   bash scripts/guide-shots.sh
#
# Every `guide/NAME.png` either guide references is copied (the newest one when several tests
# left a file of that name). If any is missing, nothing is copied and each missing name is listed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/ansinh/target}"
E2E="$TARGET/tmp/e2e"
GUIDES=(docs/HUONG-DAN.md docs/USER-GUIDE.md)
OUT=docs/guide

mapfile -t names < <(grep -ohE '\]\(guide/[A-Za-z0-9._-]+\.png\)' "${GUIDES[@]}" | sed -E 's/^\]\(guide\/(.*)\)$/\1/' | sort -u)
if [[ ${#names[@]} -eq 0 ]]; then
  echo "guide-shots: no guide/NAME.png reference found in ${GUIDES[*]}" >&2
  exit 1
fi

declare -A source
missing=()
for name in "${names[@]}"; do
  newest=""
  for f in "$E2E"/*/"$name"; do
    [[ -f "$f" ]] || continue
    if [[ -z "$newest" || "$f" -nt "$newest" ]]; then newest="$f"; fi
  done
  if [[ -z "$newest" ]]; then missing+=("$name"); else source[$name]="$newest"; fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "guide-shots: ${#missing[@]} of ${#names[@]} pictures not found under $E2E/*/ (run the e2e tests first: bash scripts/test.sh):" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi

mkdir -p "$OUT"
for name in "${names[@]}"; do
  cp "${source[$name]}" "$OUT/$name"
done
echo "guide-shots: copied ${#names[@]} pictures into $OUT/"
