"""A real SMTP server on loopback for vellum's delivery tests (aiosmtpd).

Stores every accepted message as <out>/<n>.eml (the exact bytes received)
plus <n>.rcpt (the envelope recipients, one per line). Faults on demand:
  --fail-every N   answer "451 4.3.0" to every Nth DATA (message not kept)
  --drop-every N   drop the connection after the DATA bytes, before any
                   reply (message not kept): the client cannot know
  --fail-rate P    answer "451 4.3.0" to a DATA with probability P
  --drop-rate P    drop the connection after a DATA with probability P
  --seed N         seed of the random faults, for a reproducible sequence
  --reject-rcpt S  answer "550 5.1.1" to RCPT TO for an address containing
                   S (repeatable); each rejection is appended to
                   <out>/rejected.log, one address per line
  --tls CERT KEY   offer STARTTLS with this certificate and require it
                   before MAIL; <n>.tls records the TLS version used
  --bounce-rcpt S  accept RCPT TO for an address containing S (repeatable),
                   then, as a relay whose next hop answered "550 5.1.1",
                   write an RFC 3464 DSN (multipart/report with
                   message/delivery-status and text/rfc822-headers carrying
                   the original Message-ID) to --bounces; the message is
                   kept only for the other recipients
  --defer-rcpt S   the same with a delay notice (Action: delayed, 4.4.1)
  --bounces DIR    where DSNs go, as <pid>-<n>.eml (written, then renamed)
Prints "READY <port>" when listening. Stops when stdin closes (the test
that started it went away) or after --lifetime seconds.
"""

import argparse
import asyncio
import os
import random
import ssl
import sys
import threading
from email.utils import formatdate, make_msgid

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, out, a):
        self.out = out
        self.fail_every = a.fail_every
        self.drop_every = a.drop_every
        self.fail_rate = a.fail_rate
        self.drop_rate = a.drop_rate
        self.reject_rcpt = a.reject_rcpt or []
        self.random = random.Random(a.seed)
        self.n = 0
        self.kept = 0
        self.bounce_rcpt = a.bounce_rcpt or []
        self.defer_rcpt = a.defer_rcpt or []
        self.bounces = a.bounces
        self.dsns = 0

    def notice(self, address):
        """(action, status, diagnostic) for a recipient the next hop refuses."""
        if any(s in address for s in self.bounce_rcpt):
            return ("failed", "5.1.1", "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address)
        if any(s in address for s in self.defer_rcpt):
            return ("delayed", "4.4.1", "451 4.4.1 <%s>: Connection timed out, will retry" % address)
        return None

    def write_dsn(self, envelope, notices):
        """An RFC 3464 report of `notices` [(rcpt, action, status, diag)]."""
        raw = envelope.original_content
        end = raw.find(b"\r\n\r\n")
        headers = raw[: end + 2] if end >= 0 else raw
        now = formatdate()
        boundary = "dsn-%d-%d" % (os.getpid(), self.dsns + 1)
        per_rcpt = ""
        for rcpt, action, status, diag in notices:
            per_rcpt += (
                "\r\nFinal-Recipient: rfc822; %s\r\nOriginal-Recipient: rfc822;%s\r\n"
                "Action: %s\r\nStatus: %s\r\nRemote-MTA: dns; next-hop.test\r\n"
                "Diagnostic-Code: smtp; %s\r\nLast-Attempt-Date: %s\r\n"
                % (rcpt, rcpt, action, status, diag, now)
            )
        dsn = (
            "From: Mail Delivery System <MAILER-DAEMON@sink.test>\r\n"
            "To: <%s>\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            "Date: %s\r\n"
            "Message-ID: %s\r\n"
            "Auto-Submitted: auto-replied\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status;\r\n"
            "\tboundary=\"%s\"\r\n"
            "\r\n"
            "This is a MIME-encapsulated message.\r\n"
            "\r\n--%s\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n"
            "\r\n"
            "The mail system at sink.test could not deliver your message\r\n"
            "to every recipient; see the report below.\r\n"
            "\r\n--%s\r\n"
            "Content-Type: message/delivery-status\r\n"
            "\r\n"
            "Reporting-MTA: dns; sink.test\r\n"
            "X-Postfix-Queue-ID: %d\r\n"
            "Arrival-Date: %s\r\n"
            "%s"
            "\r\n--%s\r\n"
            "Content-Type: text/rfc822-headers\r\n"
            "\r\n"
        ) % (
            envelope.mail_from,
            now,
            make_msgid(domain="sink.test"),
            boundary,
            boundary,
            boundary,
            self.n,
            now,
            per_rcpt,
            boundary,
        )
        data = dsn.encode() + headers + ("\r\n--%s--\r\n" % boundary).encode()
        self.dsns += 1
        os.makedirs(self.bounces, exist_ok=True)
        name = os.path.join(self.bounces, f"{os.getpid()}-{self.dsns:07d}.eml")
        with open(name + ".tmp", "wb") as f:
            f.write(data)
        os.replace(name + ".tmp", name)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if any(s in address for s in self.reject_rcpt):
            with open(os.path.join(self.out, "rejected.log"), "a") as f:
                f.write(address + "\n")
            return "550 5.1.1 <%s>: mailbox unavailable (test server)" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        n = self.n
        # One draw per DATA whatever the rates, so a seed gives the same
        # sequence of faults for the same sequence of messages.
        roll = self.random.random()
        if (self.drop_every and n % self.drop_every == 0) or roll < self.drop_rate:
            server.transport.abort()
            return "421 4.3.0 connection dropped by the test server"
        if (self.fail_every and n % self.fail_every == 0) or (
            roll < self.drop_rate + self.fail_rate
        ):
            return "451 4.3.0 try again later (test server)"
        notices = [(r,) + self.notice(r) for r in envelope.rcpt_tos if self.notice(r)]
        if notices:
            # Accepted here; the next hop refused these recipients.
            self.write_dsn(envelope, notices)
            envelope.rcpt_tos = [r for r in envelope.rcpt_tos if not self.notice(r)]
            if not envelope.rcpt_tos:
                return "250 2.0.0 Ok: queued as relay"
        self.kept += 1
        name = os.path.join(self.out, f"{os.getpid()}-{self.kept:07d}")
        if session.ssl:
            with open(name + ".tls", "w") as f:
                f.write(str(session.ssl.get("cipher", "")))
        with open(name + ".rcpt.tmp", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        os.replace(name + ".rcpt.tmp", name + ".rcpt")
        with open(name + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.replace(name + ".eml.tmp", name + ".eml")
        return "250 2.0.0 Ok: queued as " + str(self.kept)


def watch_stdin():
    try:
        sys.stdin.read()
    finally:
        os._exit(0)


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--fail-every", type=int, default=0)
    p.add_argument("--drop-every", type=int, default=0)
    p.add_argument("--fail-rate", type=float, default=0.0)
    p.add_argument("--drop-rate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--reject-rcpt", action="append", metavar="SUBSTRING")
    p.add_argument("--lifetime", type=float, default=900)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--bounce-rcpt", action="append", metavar="SUBSTRING")
    p.add_argument("--defer-rcpt", action="append", metavar="SUBSTRING")
    p.add_argument("--bounces", default=None, metavar="DIR")
    a = p.parse_args()
    if (a.bounce_rcpt or a.defer_rcpt) and not a.bounces:
        p.error("--bounce-rcpt and --defer-rcpt need --bounces DIR")
    tls = {}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        tls = {"tls_context": ctx, "require_starttls": True}
    os.makedirs(a.out, exist_ok=True)
    handler = Sink(a.out, a)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", enable_SMTPUTF8=True, **tls),
        host="127.0.0.1",
        port=a.port,
    )
    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.call_later(a.lifetime, lambda: os._exit(0))
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
