#!/usr/bin/env bash
# Instructions per PDF, counted by callgrind: free of the noise of a shared
# machine, so a change of 1% shows. Runs examples/peers for A and for B
# documents (after 3 warm-up documents) and prints (Ir(A) - Ir(B)) / (A - B):
# setup and warm-up cancel out, what remains is the steady cost of one more
# customer, Typst's memo cache included.
#
#   benches/instructions.sh                      # peers' one-page bills
#   DATA=bills_long.json benches/instructions.sh # 40-item bills
#   CHUNK=32 A=96 B=32 benches/instructions.sh   # the print stream, 32 per compile
#
# Needs valgrind (apt-get install valgrind); takes about a minute and a half.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA_DIR="${VELLUM_PEERS_DATA:-$ROOT/../shared/peers/data}"
DATA="${DATA:-bills.json}"
A="${A:-24}"
B="${B:-8}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vellum-target}"
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
cargo build --quiet --release --example peers --manifest-path "$ROOT/Cargo.toml"
BIN="$CARGO_TARGET_DIR/release/examples/peers"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" \
    --data "$DATA_DIR/$DATA" --n "$1" --warmup 3 --chunk "${CHUNK:-0}" --out "$OUT/$1" --result "$OUT/$1.json" 2>&1 \
    | awk '/Collected/ { print $4 }'
}
a="$(count "$A")"
b="$(count "$B")"
python3 -c "print('%s: %.1f M instructions per document' % ('$DATA', ($a - $b) / ($A - $B) / 1e6))"
