"""Chaos trials of a billing cycle against the real test servers.

Run by benches/chaos.sh (which builds vellum and generates the cycle); see
there for the arguments. Per trial: a fresh SMTP sink and SMS gateway
(tests/servers/), a fresh ledger and spool; `vellum run` is killed with
SIGKILL at a random point (a random number of messages at the servers, plus
a random few milliseconds), then run again with the same run key until it
completes. Then what the servers received is compared with the ledger and
the report:

  lost        customers not accounted for: a message the ledger records as
              delivered that is not at its server (SMTP sink, gateway, print
              spool manifests or letter files), or a record in neither the ledger's finished
              communications nor the error file, or a report that does not
              balance
  duplicated  messages received more than once (same Message-ID at the SMTP
              server or the gateway, same customer twice in the print
              manifests)
  flagged     the ledger's possibly-duplicated count (resent after an
              interrupted attempt)

A trial passes when lost = 0 and duplicated <= flagged. Exit status 1 when
any trial fails.
"""

import argparse
import glob
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVERS = os.path.join(ROOT, "tests", "servers")
MESSAGE_ID = re.compile(rb"^message-id:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Server:
    """A test server process; it exits when its stdin closes."""

    def __init__(self, script, args):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(SERVERS, script)] + args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("READY "):
            self.stop()
            sys.exit(f"chaos: {script} did not start (is aiosmtpd installed?)")
        self.port = int(line.split()[1])

    def stop(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def at_servers(mail, sms):
    """Messages the servers have stored so far (cheap enough to poll)."""
    n = 0
    try:
        with os.scandir(mail) as it:
            n += sum(1 for e in it if e.name.endswith(".eml"))
    except FileNotFoundError:
        pass
    try:
        with open(sms, "rb") as f:
            n += f.read().count(b"\n")
    except FileNotFoundError:
        pass
    return n


PRINT_FILE = re.compile(r"^bill-(.+)-print-[0-9a-f]{12}\.pdf$")


def received(mail, sms, out):
    """Per channel, how often each message arrived: Message-ID (email),
    reference (SMS, the Message-ID) and customer id (print: the envelopes
    of the spool's manifests in <out>/print, or the letters a plain folder
    backend wrote to <out>, one file per message key)."""
    got = {"email": {}, "sms": {}, "print": {}}
    for path in glob.glob(os.path.join(mail, "*.eml")):
        with open(path, "rb") as f:
            m = MESSAGE_ID.search(f.read(64 * 1024))
        key = m.group(1).decode().strip("<>") if m else path
        got["email"][key] = got["email"].get(key, 0) + 1
    if os.path.exists(sms):
        with open(sms) as f:
            for line in f:
                if line.strip():
                    ref = json.loads(line).get("reference", "").strip("<>")
                    got["sms"][ref] = got["sms"].get(ref, 0) + 1
    manifests = glob.glob(os.path.join(out, "print", "manifest-*.json"))
    for path in manifests:
        with open(path) as f:
            for env in json.load(f):
                c = env["customer"]
                got["print"][c] = got["print"].get(c, 0) + 1
    if not manifests and os.path.isdir(out):
        for name in os.listdir(out):
            m = PRINT_FILE.match(name)
            if m:
                got["print"][m.group(1)] = got["print"].get(m.group(1), 0) + 1
    return got


def input_records(data):
    """(line number, customer id or None) of every record of the cycle."""
    out = []
    with open(data) as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                cid = json.loads(line).get("customer", {}).get("id")
            except (ValueError, AttributeError):
                cid = None
            out.append((i, cid))
    return out


def account(trial_dir, records, report):
    """lost, duplicated, flagged and a few counts for one finished trial."""
    mail = os.path.join(trial_dir, "mail")
    sms = os.path.join(trial_dir, "sms.jsonl")
    got = received(mail, sms, os.path.join(trial_dir, "out"))
    db = sqlite3.connect(os.path.join(trial_dir, "ledger.sqlite"))
    lost = 0
    flagged = 0
    delivered = {"email": 0, "sms": 0, "print": 0}
    for customer, channel, message_id, dup in db.execute(
        "SELECT customer, channel, message_id, possibly_duplicated "
        "FROM messages WHERE state = 'delivered'"
    ):
        delivered[channel] = delivered.get(channel, 0) + 1
        flagged += dup
        key = customer if channel == "print" else message_id.strip("<>")
        if got.get(channel, {}).get(key, 0) == 0:
            lost += 1
    # A communication is finished when the ledger says so, or when one of
    # its messages is delivered: a kill between recording the message and
    # its communication leaves only the former, and a rerun skips it.
    finished = {
        c
        for (c,) in db.execute(
            "SELECT customer FROM communications "
            "WHERE state IN ('delivered', 'held', 'undeliverable') "
            "UNION SELECT customer FROM messages WHERE state = 'delivered'"
        )
    }
    db.close()
    errors_ids, error_lines = set(), set()
    with open(os.path.join(trial_dir, "errors.jsonl")) as f:
        for line in f:
            if line.strip():
                e = json.loads(line)
                if e.get("record") not in (None, "(no id)"):
                    errors_ids.add(e["record"])
                m = re.search(r":(\d+)$", e.get("source", ""))
                if m:
                    error_lines.add(int(m.group(1)))
    for line, cid in records:
        if cid in finished or cid in errors_ids or line in error_lines:
            continue
        lost += 1
    balanced = report["read"] == len(records) and report["read"] == (
        sum(report["delivered"].values())
        + report["skipped"]
        + report["held"]
        + report["failed"]
        + report.get("rendered", 0)
    )
    duplicated = sum(n - 1 for ch in got.values() for n in ch.values() if n > 1)
    return {
        "lost": lost,
        "duplicated": duplicated,
        "flagged": flagged,
        "balanced": balanced,
        "delivered": delivered,
        "failed": report["failed"],
    }


def trial(args, name, data, records, faults, kill, rng):
    d = os.path.join(args.work, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    seed = rng.randrange(1 << 30)
    smtp_args = ["--out", os.path.join(d, "mail")]
    sms_args = ["--out", os.path.join(d, "sms.jsonl")]
    if faults:
        smtp_args += ["--fail-rate", "0.3", "--drop-rate", "0.05", "--seed", str(seed)]
        sms_args += ["--rate-429", "0.1", "--rate-503", "0.05", "--retry-after", "1"]
        sms_args += ["--seed", str(seed)]
    smtp = Server("smtp_sink.py", smtp_args)
    gateway = Server("sms_gateway.py", sms_args)
    env = dict(os.environ, VELLUM_SMS_TOKEN="test-token")
    run = [
        args.bin, "run", "templates/bill", "--data", data,
        "--deliver", "dir:" + os.path.join(d, "out"),
        "--deliver", f"smtp://127.0.0.1:{smtp.port}",
        "--sms-url", f"http://127.0.0.1:{gateway.port}/messages",
        "--ledger", os.path.join(d, "ledger.sqlite"),
        "--run-key", "chaos-" + name,
        "--errors", os.path.join(d, "errors.jsonl"),
        "--report", os.path.join(d, "report.json"),
        "--today", "2026-12-01",
    ]  # fmt: skip
    log = open(os.path.join(d, "vellum.log"), "ab")
    killed_at = None
    runs = 0
    start = time.monotonic()
    if kill:
        # A random point of the run: after a random number of messages at
        # the servers (most customers get email or SMS), then a random few
        # milliseconds, so the kill lands anywhere in a send.
        target = rng.randint(1, max(1, int(len(records) * 0.8)))
        p = subprocess.Popen(run, cwd=ROOT, env=env, stdout=log, stderr=log)
        runs += 1
        mail, sms = os.path.join(d, "mail"), os.path.join(d, "sms.jsonl")
        while p.poll() is None and at_servers(mail, sms) < target:
            time.sleep(0.01)
        time.sleep(rng.random() * 0.05)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed_at = at_servers(mail, sms)
        p.wait()
    report = None
    while runs < args.max_runs:
        report_path = os.path.join(d, "report.json")
        if os.path.exists(report_path):
            os.remove(report_path)
        rc = subprocess.call(run, cwd=ROOT, env=env, stdout=log, stderr=log)
        runs += 1
        if rc in (0, 1) and os.path.exists(report_path):
            with open(report_path) as f:
                report = json.load(f)
            break
    seconds = time.monotonic() - start
    log.close()
    time.sleep(0.5)  # the servers' last writes
    smtp.stop()
    gateway.stop()
    if report is None:
        return {"name": name, "error": f"did not complete in {runs} runs (see {d}/vellum.log)"}
    row = account(d, records, report)
    row.update(name=name, faults=faults, killed_at=killed_at, runs=runs, seconds=seconds)
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", required=True, help="the vellum binary")
    p.add_argument("--data", required=True, help="the cycle (JSON Lines)")
    p.add_argument("--work", required=True, help="a scratch folder")
    p.add_argument("--trials", type=int, default=20, help="kill trials")
    p.add_argument("--fault-runs", type=int, default=2,
                   help="fault runs: the first uninterrupted, the others killed too")  # fmt: skip
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--max-runs", type=int, default=10)
    args = p.parse_args()
    rng = random.Random(args.seed)
    records = input_records(args.data)
    plan = [(f"kill-{i + 1:02d}", False, True) for i in range(args.trials)]
    plan += [(f"faults-{i + 1}", True, i > 0) for i in range(args.fault_runs)]
    print(f"chaos: {len(records)} customers, {args.trials} kill trials, "
          f"{args.fault_runs} fault runs, seed {args.seed}", flush=True)  # fmt: skip
    head = (f"{'trial':<10} {'faults':<6} {'killed at':>9} {'runs':>4} {'email':>6} "
            f"{'sms':>6} {'print':>6} {'failed':>6} {'lost':>5} {'dup':>4} "
            f"{'flagged':>7} {'s':>6}  result")  # fmt: skip
    print(head)
    print("-" * len(head), flush=True)
    failed = 0
    for name, faults, kill in plan:
        r = trial(args, name, args.data, records, faults, kill, rng)
        if "error" in r:
            failed += 1
            print(f"{name:<10} {r['error']}", flush=True)
            continue
        ok = r["lost"] == 0 and r["duplicated"] <= r["flagged"] and r["balanced"]
        failed += not ok
        d = r["delivered"]
        killed = "-" if r["killed_at"] is None else str(r["killed_at"])
        print(
            f"{name:<10} {'yes' if faults else 'no':<6} {killed:>9} {r['runs']:>4} "
            f"{d['email']:>6} {d['sms']:>6} {d['print']:>6} {r['failed']:>6} "
            f"{r['lost']:>5} {r['duplicated']:>4} {r['flagged']:>7} {r['seconds']:>6.0f}  "
            f"{'pass' if ok else 'FAIL'}{'' if r['balanced'] else ' (report does not balance)'}",
            flush=True,
        )
    print(f"{len(plan) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
