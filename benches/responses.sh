#!/usr/bin/env bash
# The response loop on a billing cycle: runs `vellum cycle` (N generated
# bill customers, default 10,000), makes up what comes back
# (benches/responses.py: DSN bounces, SMS receipts and STOP replies,
# one-click unsubscribes, print returns), ingests it with `vellum events
# ingest`, shows that a forged unsubscribe token is refused, runs the same
# cycle again (a hard-bounced bill falls back to its next channel, once)
# and prints the response report. Times each step.
#
# usage: benches/responses.sh [N]      (output in $OUT, default out/responses)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vellum-target}"
cargo build --release --bin vellum >/dev/null
bin="$CARGO_TARGET_DIR/release/vellum"
n="${1:-10000}"
out="${OUT:-out/responses}"
rm -rf "$out"
mkdir -p "$out"
step() { # label, then the command
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  "$@" >"$out/$label.txt" 2>&1 || true
  end=$(date +%s.%N)
  printf '== %s (%.1f s)\n' "$label" "$(echo "$end - $start" | bc)"
  grep -v '^\s*$' "$out/$label.txt" | tail -n "${TAIL:-8}"
}
step cycle "$bin" cycle --customers "$n" --out "$out"
echo "== made up: $(python3 benches/responses.py "$out")"
key=(--ledger "$out/ledger.sqlite" --key-file "$out/delivered/unsubscribe.key")
TAIL=4 step ingest "$bin" events ingest "$out/events" "${key[@]}"
TAIL=3 step forged "$bin" events ingest "$out/forged.http" "${key[@]}"
TAIL=3 step replay "$bin" events ingest "$out/events" "${key[@]}"
step follow-up "$bin" cycle --customers "$n" --out "$out"
TAIL=20 step report "$bin" events report --json --ledger "$out/ledger.sqlite"
