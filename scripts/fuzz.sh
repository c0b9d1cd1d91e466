#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a bounded time from the seeds in fuzz/seeds/<target>;
# fails on any crash (a panic, an abort or running out of memory in a reader is a bug).
# The importers run FUZZ_SECONDS each (default 20); the exchange readers (bundle plaintext, its
# records, receipt, signed batch) FUZZ_EXCHANGE_SECONDS each (default 10, so the seven targets
# stay near 100 s of fuzzing in CI besides the build).
# Needs the nightly toolchain and cargo-fuzz (scripts/setup.sh installs cargo-fuzz if missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz"
IMPORT_SECONDS="${FUZZ_SECONDS:-20}"
EXCHANGE_SECONDS="${FUZZ_EXCHANGE_SECONDS:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ansinh/target}/fuzz"
for target in import_csv import_xlsx payment_results bundle_plaintext bundle_records receipt signed_batch; do
  case "$target" in
    import_* | payment_*) SECONDS_EACH="$IMPORT_SECONDS" ;;
    *) SECONDS_EACH="$EXCHANGE_SECONDS" ;;
  esac
  corpus="$CARGO_TARGET_DIR/corpus/$target"
  # Git keeps no empty folder: a target without committed seeds starts from an empty one.
  mkdir -p "$corpus" "seeds/$target"
  echo "fuzz: $target for ${SECONDS_EACH}s"
  log="$CARGO_TARGET_DIR/$target.log"
  rc=0
  cargo +nightly fuzz run "$target" "$corpus" "seeds/$target" -- \
    -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || rc=$?
  grep -E '^stat::number_of_executed_units' "$log" || true
  if [ "$rc" -ne 0 ]; then
    tail -40 "$log" >&2
    echo "fuzz: $target failed (exit $rc): a crash leaves its input in fuzz/artifacts/$target; full log $log" >&2
    exit 1
  fi
done
