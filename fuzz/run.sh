#!/usr/bin/env bash
# Fuzzes every vellum parser of outside input (cargo-fuzz, libFuzzer).
#
#   fuzz/run.sh [RUNS]            each target for RUNS executions (default 20000)
#   fuzz/run.sh --seconds S       each target for S seconds
#   fuzz/run.sh RUNS --seconds S  whichever comes first
#   fuzz/run.sh ... -- TARGET...  only the named targets
#
# Seeds fuzz/corpus/<target>/ from the shipped templates when it is empty,
# builds all targets once (cargo +nightly fuzz build -O, in fuzz/target, never
# in $CARGO_TARGET_DIR), replays fuzz/regressions/<target>-*.bin, then fuzzes.
# Prints per target the executions done and whether it crashed; exits 1 when
# any target crashed (artifacts in fuzz/artifacts/<target>/, logs in
# fuzz/artifacts/logs/), 2 when the build failed.
#
# SANITIZER=address fuzz/run.sh ... builds with AddressSanitizer. The default
# is none: vellum has no unsafe code, the targets look for panics, failed
# properties, hangs and stack overflows, and ASan makes them ~5x slower.
#
# The saved crashes in fuzz/regressions/ are replayed first (both are fixed,
# with regression tests in the crate). ALLOW_KNOWN=1 fuzz/run.sh makes the
# targets step around the kinds of input those crashes had, to fuzz past a
# bug that is known and not yet fixed.
# VELLUM_FUZZ_VERBOSE=1 fuzz/target/<triple>/release/<target> FILE prints why
# an input is rejected.
set -uo pipefail

FUZZ="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$FUZZ")"
T="$ROOT/templates"
SANITIZER="${SANITIZER:-none}"
ALL=(design_toml body_md ftl frame records csv rules sms html_escape events)

runs=""
seconds=""
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
        --seconds=*) seconds="${1#*=}"; shift ;;
        --) shift; targets=("$@"); break ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *[!0-9]*|'') echo "run.sh: bad argument: $1" >&2; exit 2 ;;
        *) runs="$1"; shift ;;
    esac
done
[ ${#targets[@]} -eq 0 ] && targets=("${ALL[@]}")

# Both given: whichever is reached first.
budget=()
[ -n "$seconds" ] && budget+=(-max_total_time="$seconds")
[ -n "$runs" ] && budget+=(-runs="$runs")
[ ${#budget[@]} -eq 0 ] && budget=(-runs=20000)

# cargo-fuzz, when missing.
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked || exit 2
fi

# Seed corpora (only into empty folders: never large, never committed).
seed() { # target files...
    local dir="$FUZZ/corpus/$1"; shift
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir")" ] && return 0
    local f
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$dir/$(echo "${f#"$T/"}" | tr / _)"
    done
}
seed_text() { # target name text
    printf '%s' "$3" >"$FUZZ/corpus/$1/$2"
}
seed design_toml "$T"/*/design.toml
seed body_md "$T"/*/body.md
seed ftl "$T"/bill/locales/*.ftl "$T"/brand/locales/*.ftl
seed frame "$T"/brand/print.typ "$T"/brand/print/*.typ
if [ -z "$(ls -A "$FUZZ/corpus/records" 2>/dev/null)" ]; then
    seed records "$T"/bill/samples/*.json
    # The samples again as one JSON Lines file and as a JSON array.
    for f in "$T"/bill/samples/*.json; do tr -d '\n' <"$f"; echo; done >"$FUZZ/corpus/records/samples.jsonl"
    { echo '['; first=1
      for f in "$T"/bill/samples/*.json; do [ $first = 1 ] || echo ','; first=0; cat "$f"; done
      echo ']'; } >"$FUZZ/corpus/records/samples-array.json"
fi
seed csv "$ROOT"/examples/csv/*.csv
if [ -z "$(ls -A "$FUZZ/corpus/rules" 2>/dev/null)" ]; then
    mkdir -p "$FUZZ/corpus/rules"
    # The shipped rules, one expression per seed, then a few more.
    n=0
    awk '/^\[/{r=($0=="[rules]")} r && /=/{sub(/^[^=]*= */,""); gsub(/^'"'"'|'"'"'$/,""); print}' \
        "$T"/*/design.toml | while IFS= read -r e; do n=$((n+1)); printf '%s' "$e" >"$FUZZ/corpus/rules/shipped-$n"; done
    seed_text rules a 'totals.due > 100'
    seed_text rules b 'customer.locale == "de-DE" || size(items) >= 3'
    seed_text rules c 'has(customer.address.line2) && !account.overdue'
    seed_text rules d 'double(totals.due) / 2.0 > 10.5 && invoice.number.startsWith("NWE")'
fi
if [ -z "$(ls -A "$FUZZ/corpus/events" 2>/dev/null)" ]; then
    mkdir -p "$FUZZ/corpus/events"
    # The first byte (mod 4) picks the parser: "0" DSN, "1" SMS line,
    # "2" one-click request, "3" returns CSV.
    seed_text events dsn "0From: MAILER-DAEMON@mx.example
Message-ID: <d@mx.example>
Content-Type: multipart/report; report-type=delivery-status; boundary=B

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; ana@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 unknown

--B
Content-Type: text/rfc822-headers

Message-ID: <0123456789abcdef0123456789abcdef@northwind.example>

--B--
"
    seed_text events sms "1{\"type\":\"inbound\",\"id\":\"mo-1\",\"from\":\"+4915112345678\",\"text\":\"STOP\",\"at\":\"2026-12-02T10:00:00Z\"}"
    seed_text events http "2POST /p?token=v1.0123456789abcdef0123456789abcdef.email.marketing.00 HTTP/1.1
Content-Type: application/x-www-form-urlencoded
Content-Length: 26

List-Unsubscribe=One-Click"
    seed_text events csv "3key,reason,date
bill/2026.1/C1003/2026-12/print,moved,2026-12-09
"
fi
if [ -z "$(ls -A "$FUZZ/corpus/sms" 2>/dev/null)" ]; then
    mkdir -p "$FUZZ/corpus/sms"
    seed_text sms ascii 'Your bill of $189.31 is due on 12/30/26. Pay: https://northwind.example/p/U7K2QX'
    seed_text sms ext 'Betrag: 195,49 € [fällig] ~ {heute} | ^\'
    seed_text sms ucs2 'Ваш счёт: 189,31 € 🙂 до 30.12.'
    seed_text sms long "$(printf 'a%.0s' $(seq 1 161))"
fi
if [ -z "$(ls -A "$FUZZ/corpus/html_escape" 2>/dev/null)" ]; then
    mkdir -p "$FUZZ/corpus/html_escape"
    seed_text html_escape plain 'Emily Carter'
    seed_text html_escape script '<script>alert(1)</script>'
    seed_text html_escape attr '"onmouseover="alert(1)'"'"' x='
    seed_text html_escape amp "O'Brien & Söhne &lt;b&gt;"
fi

# Build all targets once, outside the main build directory.
echo "building ${targets[*]}" >&2
# FUZZ_TARGET_DIR (default fuzz/target) may point at a cache that outlives
# the clone, as .ci/run does; never at the main build's CARGO_TARGET_DIR.
tdir="${FUZZ_TARGET_DIR:-$FUZZ/target}"
(cd "$ROOT" && env -u CARGO_TARGET_DIR cargo +nightly fuzz build -O -s "$SANITIZER" --target-dir "$tdir") || exit 2
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
bin="$tdir/$triple/release"

# Sandboxes of fuzz processes that crashed or were killed (a process removes
# its own at exit).
clean_sandboxes() {
    local d
    for d in /dev/shm/vellum-fuzz-* "${TMPDIR:-/tmp}"/vellum-fuzz-*; do
        [ -d "$d" ] && ! kill -0 "${d##*-}" 2>/dev/null && rm -rf "$d"
    done
    return 0
}
clean_sandboxes

logs="$FUZZ/artifacts/logs"
mkdir -p "$logs"
failed=0
printf '%-12s %12s %8s  %s\n' target executions seconds result
for t in "${targets[@]}"; do
    [ -x "$bin/$t" ] || { echo "run.sh: no target $t" >&2; failed=1; continue; }
    mkdir -p "$FUZZ/artifacts/$t"
    # Saved crashes first: each is run once.
    shopt -s nullglob
    regs=("$FUZZ"/regressions/"$t"-*.bin)
    shopt -u nullglob
    if [ ${#regs[@]} -gt 0 ]; then
        if env -u VELLUM_FUZZ_ALLOW_KNOWN "$bin/$t" -runs=1 -timeout=10 "${regs[@]}" >"$logs/$t.regressions.log" 2>&1; then
            printf '%-12s %12s %8s  %s\n' "$t" "${#regs[@]} saved" - "regressions pass"
        else
            printf '%-12s %12s %8s  %s\n' "$t" "${#regs[@]} saved" - "REGRESSION CRASHED (see $logs/$t.regressions.log)"
            failed=1
        fi
        clean_sandboxes
    fi
    start=$(date +%s)
    known=()
    [ "${ALLOW_KNOWN:-0}" = 1 ] && known=(VELLUM_FUZZ_ALLOW_KNOWN=1)
    env "${known[@]}" "$bin/$t" "${budget[@]}" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$FUZZ/artifacts/$t/" "$FUZZ/corpus/$t" >"$logs/$t.log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    clean_sandboxes
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$logs/$t.log" | tail -1)
    [ -z "$execs" ] && execs=$(sed -n -e 's/^Done \([0-9]*\) runs.*/\1/p' -e 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$logs/$t.log" | tail -1)
    [ -z "$execs" ] && execs=$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$logs/$t.log" | tail -1)
    if [ $rc -eq 0 ]; then
        result=ok
    else
        failed=1
        what=$(grep -m1 -oE "panicked at [^:]+:[0-9]+:[0-9]+|ERROR: libFuzzer: [a-z-]+|ERROR: AddressSanitizer: [a-z-]+" "$logs/$t.log")
        artifact=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$logs/$t.log" | tail -1)
        result="CRASHED (rc $rc) ${what:-} ${artifact:+-> ${artifact#"$ROOT/"}}"
    fi
    printf '%-12s %12s %8s  %s\n' "$t" "${execs:-?}" "$took" "$result"
done
exit $failed
