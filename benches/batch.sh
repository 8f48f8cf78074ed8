#!/usr/bin/env bash
# Billing-cycle throughput: generates N bill customers (deterministic, with
# the generator's mix of channels, consent and a few bad records) and runs
# the cycle with every channel per the customers' plans, delivered to a
# folder with a SQLite ledger. Prints customers/s, CPU ms per customer,
# per-channel counts and peak RSS (from /usr/bin/time -v), for 1 and 2
# workers, and the dry-run render cost per customer on one worker (the
# "render CPU measured alone" of the batch-overhead target).
#
# usage: benches/batch.sh [N ...]        (default: 10000)
#        MODES="w2" benches/batch.sh 100000   (only some of: dry1 w1 w2)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vellum-target}"
cargo build --release --bin vellum >/dev/null
bin="$CARGO_TARGET_DIR/release/vellum"
work="${TMPDIR:-/tmp}/vellum-batch-bench"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)

measure() { # label, then the vellum arguments
  local label=$1
  shift
  local out="$work/time.txt"
  /usr/bin/time -v "$bin" "$@" >"$work/stdout.txt" 2>"$out" || true
  local wall user sys rss read delivered
  wall=$(grep 'Elapsed (wall clock)' "$out" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  user=$(grep 'User time' "$out" | awk '{print $NF}')
  sys=$(grep 'System time' "$out" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$out" | awk '{print $NF}')
  read=$(grep -o 'read [0-9]*' "$work/stdout.txt" | tail -1 | awk '{print $2}')
  delivered=$(grep -o 'delivered [0-9]* ([^)]*)' "$work/stdout.txt" | head -1 || true)
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v n="$read" -v d="$delivered" 'BEGIN {
    printf "%-28s %8d rec  %7.1f s  %7.0f rec/s  %6.2f ms CPU/rec  %6.0f MB peak  %s\n",
      l, n, w, n / w, (u + s) * 1000 / n, r / 1024, d }'
}

for n in "${sizes[@]}"; do
  rm -rf "$work" && mkdir -p "$work"
  "$bin" generate "$n" --out "$work/cycle.jsonl"
  echo "== N = $n"
  modes=" ${MODES:-dry1 w1 w2} "
  if [[ $modes == *" dry1 "* ]]; then
    measure "dry run, 1 worker" run templates/bill --data "$work/cycle.jsonl" --dry-run --workers 1 --today 2026-12-01
  fi
  for w in 1 2; do
    [[ $modes == *" w$w "* ]] || continue
    rm -rf "$work/out-$w"
    measure "delivered, $w worker(s)" run templates/bill --data "$work/cycle.jsonl" \
      --deliver "dir:$work/out-$w" --ledger "$work/ledger-$w.sqlite" --run-key "bench-$w" \
      --workers "$w" --errors "$work/errors-$w.jsonl" --today 2026-12-01
    rm -rf "$work/out-$w"
  done
done
