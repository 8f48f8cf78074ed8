#!/usr/bin/env bash
# Chaos trials of a billing cycle against the real test servers (the SMTP
# sink and the SMS gateway of tests/servers/, on loopback): TRIALS runs of an
# N-customer cycle of the bill design, each killed with SIGKILL at a random
# point and run again with the same run key until it completes, then fault
# runs (SMTP: 451 to 30% of messages, 5% of connections dropped mid-DATA;
# SMS gateway: 429 with Retry-After to 10% of requests, 503 to 5%), the
# first uninterrupted, the second killed too. Prints per trial what reached
# the servers against the ledger and the report: lost / duplicated / flagged
# (possibly duplicated). A trial passes when lost = 0 and duplicated <=
# flagged; the exit status is 1 when any trial fails. benches/chaos.py has
# the details.
#
# usage: benches/chaos.sh [N] [TRIALS] [FAULT_RUNS]   (default: 10000 20 2)
#
# At about 50 customers/s on two cores, the default takes hours (the fault
# runs longer: every 451 costs a retry delay); N=300 3 1 is a quick check.
# Needs python3 with aiosmtpd (.ci/run installs it). CHAOS_SEED (default
# 2026) picks the kill points and the servers' fault sequences.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
trials=${2:-20}
fault_runs=${3:-2}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vellum-target}"
cargo build --release --bin vellum >/dev/null
bin="$CARGO_TARGET_DIR/release/vellum"
work="${TMPDIR:-/tmp}/vellum-chaos"
rm -rf "$work" && mkdir -p "$work"
"$bin" generate "$n" --out "$work/cycle.jsonl"
python3 benches/chaos.py --bin "$bin" --data "$work/cycle.jsonl" --work "$work" \
  --trials "$trials" --fault-runs "$fault_runs" --seed "${CHAOS_SEED:-2026}"
