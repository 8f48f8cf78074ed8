#!/usr/bin/env python3
"""What comes back from a delivered cycle, made up for benches/responses.sh.

Reads a `vellum cycle` output folder (default out/cycle) and writes, into
<out>/events, the files a utility's systems would hand vellum afterwards:

  bounces/*.eml    RFC 3464 DSNs for 3% of the emails (a fifth of them soft,
                   4.2.2 mailbox full; the rest hard, 5.1.1 user unknown),
                   in the shape a Postfix relay sends
  sms.jsonl        the gateway's webhook posts: a receipt per SMS (2%
                   undeliverable), STOP replies from 1% of the numbers (in
                   the shipped locales' words) and other replies from 0.5%
  oneclick/*.http  RFC 8058 one-click POSTs to the List-Unsubscribe URL of
                   1% of the marketing emails, as Gmail sends them
  returns.csv      the print shop's returned envelopes: 3% of the letters
  forged.http      one request with a token whose signature was altered
                   (must be rejected)

Deterministic (seeded). Customer data stays in the folder it came from.
usage: benches/responses.py [out-dir]
"""

import email
import email.policy
import glob
import json
import os
import random
import sys
from email.utils import formatdate
from urllib.parse import urlsplit

out = sys.argv[1] if len(sys.argv) > 1 else "out/cycle"
delivered = os.path.join(out, "delivered")
events = os.path.join(out, "events")
rng = random.Random(2026)
STOPS = ["STOP", "Stop", "stop ", "STOPP", "ARRET", "Arrêt", "退订", "UNSUBSCRIBE"]
OTHER = ["Thanks", "Danke!", "When is the meter reading?", "merci"]


def headers(path):
    with open(path, "rb") as f:
        raw = f.read()
    end = raw.find(b"\r\n\r\n")
    head = raw[: end + 2]
    msg = email.message_from_bytes(head, policy=email.policy.compat32)
    return head, msg


def dsn(n, head, rcpt, hard):
    status, action, diag = (
        ("5.1.1", "failed", "550 5.1.1 <%s>: Recipient address rejected: User unknown" % rcpt)
        if hard
        else ("4.2.2", "delayed", "452 4.2.2 <%s>: Mailbox full" % rcpt)
    )
    b = "dsn-%d" % n
    now = formatdate()
    text = (
        "From: Mail Delivery System <MAILER-DAEMON@relay.example>\r\n"
        "To: <billing@northwind.example>\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {now}\r\nMessage-ID: <{n}.dsn@relay.example>\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{b}"\r\n\r\n'
        f"--{b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "The mail system could not deliver your message.\r\n\r\n"
        f"--{b}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; relay.example\r\nArrival-Date: {now}\r\n\r\n"
        f"Final-Recipient: rfc822; {rcpt}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Remote-MTA: dns; mx.example.com\r\nDiagnostic-Code: smtp; {diag}\r\n\r\n"
        f"--{b}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
    )
    return text.encode() + head + f"\r\n--{b}--\r\n".encode()


def oneclick(url):
    u = urlsplit(url)
    body = "List-Unsubscribe=One-Click"
    return (
        f"POST {u.path or '/'}?{u.query} HTTP/1.1\r\nHost: {u.hostname}\r\n"
        "User-Agent: Mozilla/5.0 (compatible; Google-Unsubscribe)\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


def main():
    os.makedirs(os.path.join(events, "bounces"), exist_ok=True)
    os.makedirs(os.path.join(events, "oneclick"), exist_ok=True)
    counts = dict(hard=0, soft=0, receipts=0, undeliverable=0, stop=0, other=0, oneclick=0, returns=0)
    marketing = []
    for n, path in enumerate(sorted(glob.glob(os.path.join(delivered, "*.eml")))):
        head, msg = headers(path)
        if msg["List-Unsubscribe"]:
            marketing.append(msg["List-Unsubscribe"].strip("<>"))
        if rng.random() < 0.03:
            hard = rng.random() >= 0.2
            counts["hard" if hard else "soft"] += 1
            rcpt = email.utils.parseaddr(msg["To"])[1]
            with open(os.path.join(events, "bounces", f"{n:06d}.eml"), "wb") as f:
                f.write(dsn(n, head, rcpt, hard))
    lines = []
    for n, path in enumerate(sorted(glob.glob(os.path.join(delivered, "*.txt")))):
        with open(path, encoding="utf-8") as f:
            to = f.readline().removeprefix("To:").strip()
        bad = rng.random() < 0.02
        counts["undeliverable" if bad else "receipts"] += 1
        r = {"type": "receipt", "id": os.path.basename(path),
             "status": "undeliverable" if bad else "delivered", "at": "2026-12-02T09:00:00Z"}
        if bad:
            r["error"] = "absent subscriber"
        lines.append(r)
        roll = rng.random()
        if not bad and roll < 0.015:
            stop = roll < 0.01
            counts["stop" if stop else "other"] += 1
            lines.append({"type": "inbound", "id": f"mo-{n}", "from": to,
                          "text": rng.choice(STOPS if stop else OTHER), "at": "2026-12-02T10:00:00Z"})
    with open(os.path.join(events, "sms.jsonl"), "w", encoding="utf-8") as f:
        for r in lines:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for n, url in enumerate(marketing):
        if rng.random() < 0.01:
            counts["oneclick"] += 1
            with open(os.path.join(events, "oneclick", f"{n:06d}.http"), "wb") as f:
                f.write(oneclick(url))
    if marketing:
        forged = marketing[0][:-4] + ("0000" if not marketing[0].endswith("0000") else "1111")
        with open(os.path.join(out, "forged.http"), "wb") as f:
            f.write(oneclick(forged))
    rows = []
    for m in sorted(glob.glob(os.path.join(delivered, "print", "**", "*.json"), recursive=True)):
        try:
            doc = json.load(open(m, encoding="utf-8"))
        except ValueError:
            continue
        envelopes = doc.get("envelopes", []) if isinstance(doc, dict) else doc
        for e in envelopes if isinstance(envelopes, list) else []:
            if isinstance(e, dict) and "key" in e and rng.random() < 0.03:
                rows.append((e["key"], rng.choice(["moved", "unknown address", "refused"])))
    counts["returns"] = len(rows)
    with open(os.path.join(events, "returns.csv"), "w", encoding="utf-8") as f:
        f.write("key,reason,date\n")
        for key, reason in rows:
            f.write(f"{key},{reason},2026-12-09\n")
    print(json.dumps(counts))


main()
