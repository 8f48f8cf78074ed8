#!/usr/bin/env bash
# Shared-run throughput and coordination cost: N bill customers (the
# generator's deterministic cycle), run by P worker processes of one shared
# run through a PostgreSQL server that this script starts on loopback
# (Debian's binaries; as the postgres user when run as root) and stops at
# the end. Every channel to a folder, letters to the print spools, the
# ledger in PostgreSQL.
#
# Prints, per P: wall seconds, customers/s, chunks, and the coordination
# cost (the claim, complete, finish and heartbeat statements, summed over
# workers) per chunk and as a share of the workers' time. The baseline is
# the same cycle on one process with the SQLite ledger.
#
# usage: benches/shared.sh [N] [P ...]   (default: 10000 customers, P = 1 2 4)
#        CHUNK=500 THREADS=1 benches/shared.sh 20000 1 2
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vellum-target}"
cargo build --release --bin vellum >/dev/null
bin="$CARGO_TARGET_DIR/release/vellum"
n=${1:-10000}
shift || true
procs=("$@")
[ ${#procs[@]} -gt 0 ] || procs=(1 2 4)
chunk=${CHUNK:-500}
threads=${THREADS:-1}
work="${TMPDIR:-/tmp}/vellum-shared-bench"
rm -rf "$work" && mkdir -p "$work"

# A PostgreSQL cluster of our own on a free port.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$work"; fi
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U bench --auth=trust >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $work -c max_connections=200" start >/dev/null
trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true' EXIT
db=0

"$bin" generate "$n" --out "$work/cycle.jsonl" >/dev/null
echo "$n customers, chunks of $chunk, $threads render thread(s) per worker process, $(nproc) cores"

wall_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start=$(date +%s.%N)
"$bin" run templates/bill --data "$work/cycle.jsonl" --deliver "dir:$work/sqlite" \
  --workers 2 >"$work/sqlite.out" 2>/dev/null || true
end=$(date +%s.%N)
w=$(wall_of "$start" "$end")
awk -v w="$w" -v n="$n" 'BEGIN { printf "%-34s %7.1f s  %6.0f customers/s\n", "one process, SQLite, 2 threads", w, n / w }'

for p in "${procs[@]}"; do
  db=$((db + 1))
  "${as_pg[@]}" "$pgbin/createdb" -h "$work" -p "$port" -U bench "b$db"
  url="postgres://bench@127.0.0.1:$port/b$db"
  out="$work/p$p"
  mkdir -p "$out"
  start=$(date +%s.%N)
  for i in $(seq 1 "$p"); do
    "$bin" run templates/bill --data "$work/cycle.jsonl" --deliver "dir:$out/out" \
      --ledger "$url" --run-key bench --workers "$threads" --chunk-records "$chunk" \
      --worker "w$i" --report "$out/report-$i.json" >"$out/w$i.out" 2>"$out/w$i.err" &
  done
  wait || true
  end=$(date +%s.%N)
  w=$(wall_of "$start" "$end")
  # "worker wI: C chunks (...), R records in S s; X s coordinating, Y s waiting ..."
  cat "$out"/w*.err | grep '^worker w[0-9]*: ' | awk -v w="$w" -v n="$n" -v p="$p" '
    { for (i = 1; i <= NF; i++) {
        if ($(i+1) == "chunks") chunks += $i
        if ($(i+1) == "s;") busy += $i
        if ($(i+1) == "s" && $(i+2) == "coordinating,") coord += $i
        if ($(i+1) == "s" && $(i+2) == "waiting") waiting += $i } }
    END {
      printf "%-34s %7.1f s  %6.0f customers/s  %4d chunks  coordination %.2f ms/chunk, %.2f%% of worker time (%.2f s waiting)\n",
        p " worker process(es), PostgreSQL", w, n / w, chunks, coord * 1000 / chunks, 100 * coord / (busy + coord), waiting }'
  grep -h 'read [0-9]* = ' "$out"/w*.out | sed 's/^/    /' || true
  # The database's load: committed transactions per customer (ledger and
  # coordination), what a larger run asks of the server.
  "${as_pg[@]}" "$pgbin/psql" -h "$work" -p "$port" -U bench -d "b$db" -Atc \
    "SELECT xact_commit FROM pg_stat_database WHERE datname = 'b$db'" |
    awk -v n="$n" -v w="$w" '{ printf "    database: %d transactions committed, %.2f per customer, %.0f/s\n", $1, $1 / n, $1 / w }' 
done
