"""An HTTP SMS gateway on loopback for vellum's delivery tests.

POST /messages with JSON or form fields to, from, text, encoding, segments,
reference; needs "Authorization: Bearer test-token" (401 otherwise).
Answers 429 to every --fail-429-every-th request and 503 to every
--fail-503-every-th, or at random: 429 with probability --rate-429 and 503
with --rate-503 (seeded by --seed, for a reproducible sequence). A 429
carries "Retry-After: <--retry-after>" when that is given. A number
starting with "+000" gets 200 with {"status": "rejected"} (a per-message
status). Accepted messages are appended as JSON lines to --out. Prints
"READY <port>"; stops when stdin closes or after --lifetime seconds.

What the gateway would post back to the operator's webhook goes, one JSON
line each, to --events (written after the message is accepted):
  {"type":"receipt","id":"gw-N","reference":...,"status":"delivered","at":...}
for every accepted message, "undeliverable" (with an "error") for a number
starting with an --undeliverable prefix (repeatable); and with
--reply NUMBER=TEXT (repeatable), after a message to NUMBER is accepted,
the customer's inbound reply
  {"type":"inbound","id":"mo-N","from":NUMBER,"to":<sender>,"text":TEXT,"at":...}
Numbers are compared by their digits and "+".
"""

import argparse
import json
import os
import random
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

lock = threading.Lock()
state = {"n": 0, "accepted": 0, "replies": 0}
rng = random.Random()


def digits(number):
    return "".join(c for c in str(number) if c.isdigit() or c == "+")


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def webhook_events(a, msg):
    """What the gateway posts back for the accepted message `msg`."""
    to = digits(msg.get("to", ""))
    bad = any(to.startswith(digits(p)) for p in a.undeliverable or [])
    receipt = {"type": "receipt", "id": msg["id"], "reference": msg.get("reference")}
    if bad:
        receipt.update(status="undeliverable", error="unknown subscriber")
    else:
        receipt["status"] = "delivered"
    receipt["at"] = now()
    out = [receipt]
    for reply in a.reply or []:
        number, _, text = reply.partition("=")
        if digits(number) == to:
            state["replies"] += 1
            out.append({
                "type": "inbound",
                "id": f"mo-{state['replies']}",
                "from": number,
                "to": msg.get("from"),
                "text": text,
                "at": now(),
            })
    return out


def make_handler(a):
    class H(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            if code == 429 and a.retry_after is not None:
                self.send_header("Retry-After", str(a.retry_after))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if self.headers.get("Authorization") != "Bearer test-token":
                return self.reply(401, {"error": "unauthorized"})
            ctype = self.headers.get("Content-Type", "")
            if ctype.startswith("application/json"):
                msg = json.loads(raw)
            else:
                msg = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                msg["form"] = True
            with lock:
                state["n"] += 1
                n = state["n"]
                # One draw per request whatever the rates (reproducible).
                roll = rng.random()
                if (a.fail_429_every and n % a.fail_429_every == 0) or roll < a.rate_429:
                    return self.reply(429, {"error": "slow down"})
                if (a.fail_503_every and n % a.fail_503_every == 0) or (
                    roll < a.rate_429 + a.rate_503
                ):
                    return self.reply(503, {"error": "unavailable"})
                if str(msg.get("to", "")).startswith("+000"):
                    return self.reply(200, {"status": "rejected", "error": "invalid number"})
                state["accepted"] += 1
                msg["id"] = f"gw-{state['accepted']}"
                with open(a.out, "a") as f:
                    f.write(json.dumps(msg) + "\n")
                if a.events:
                    with open(a.events, "a") as f:
                        for e in webhook_events(a, msg):
                            f.write(json.dumps(e, ensure_ascii=False) + "\n")
            return self.reply(200, {"id": msg["id"], "status": "accepted"})

    return H


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--fail-429-every", type=int, default=0)
    p.add_argument("--fail-503-every", type=int, default=0)
    p.add_argument("--rate-429", type=float, default=0.0)
    p.add_argument("--rate-503", type=float, default=0.0)
    p.add_argument("--retry-after", type=int, default=None, metavar="SECONDS")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--lifetime", type=float, default=900)
    p.add_argument("--events", default=None, metavar="FILE")
    p.add_argument("--undeliverable", action="append", metavar="PREFIX")
    p.add_argument("--reply", action="append", metavar="NUMBER=TEXT")
    a = p.parse_args()
    rng.seed(a.seed)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(a))
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    threading.Timer(a.lifetime, lambda: os._exit(0)).start()
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
