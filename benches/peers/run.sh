#!/usr/bin/env bash
# vellum against the peers (WeasyPrint, Chromium, Typst via Python, wkhtmltopdf,
# LibreOffice) in ONE run of their harness, so all engines share the same
# machine load. The peers' folder is read-only: it is copied to a temp dir,
# two engines are added to ENGINES in the copy of bench.py, and the copy runs:
#   vellum          vellum's bill design fed from the peers' data (examples/peers.rs)
#   typst-embedded  the peers' own bill.typ, compiled as vellum compiles
#                   (examples/peers_typst.rs): a yardstick, not a product
#
#   benches/peers/run.sh                                   # all engines, harness defaults
#   benches/peers/run.sh --engines vellum,typst-py,chromium --reps 1 --reps-long 1 --cold-reps 3
#
# Extra arguments go to the harness (bench.py). The summary is copied to
# benches/peers/summary.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PEERS="${PEERS:-$ROOT/../shared/peers}"
WORK="${WORK:-$(mktemp -d /tmp/vellum-peers.XXXXXX)}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/vellum-target}"

cargo build --release --example peers --example peers_typst --manifest-path "$ROOT/Cargo.toml"
RUNNER="$CARGO_TARGET_DIR/release/examples/peers"
EMBEDDED="$CARGO_TARGET_DIR/release/examples/peers_typst"

echo "harness copy: $WORK"
# Copy the harness without its previous outputs.
tar -C "$PEERS" --exclude=./out --exclude=./results --exclude=./png -cf - . | tar -C "$WORK" -xf -
python3 - "$WORK/bench.py" "$RUNNER" "$EMBEDDED" "$WORK/templates/bill.typ" <<'PY'
import sys
path, runner, embedded, template = sys.argv[1:5]
src = open(path, encoding="utf-8").read()
anchor = "ENGINES = {\n"
assert anchor in src, "bench.py has no ENGINES table"
src = src.replace(anchor, anchor + f'    "vellum": [{runner!r}],\n'
                  + f'    "typst-embedded": [{embedded!r}, "--template", {template!r}],\n', 1)
open(path, "w", encoding="utf-8").write(src)
PY

cd "$WORK"
if [ ! -x .venv/bin/python ] || [ ! -d node_modules ]; then ./setup.sh; fi
if [ $# -eq 0 ]; then
  set -- --engines vellum,typst-embedded,typst-py,chromium,weasyprint,libreoffice,wkhtmltopdf
fi
./run_all.sh "$@"
# The runner's path is this machine's build directory: keep it out of the summary.
sed -e "s#$CARGO_TARGET_DIR#\$CARGO_TARGET_DIR#g" -e "s#$WORK#\$WORK#g" results/summary.md > "$ROOT/benches/peers/summary.md"
echo "summary: $ROOT/benches/peers/summary.md"
