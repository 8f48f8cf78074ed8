"""A real SMTP server on loopback for vellum's delivery tests (aiosmtpd).

Stores every accepted message as <out>/<n>.eml (the exact bytes received)
plus <n>.rcpt (the envelope recipients, one per line). Faults on demand:
  --fail-every N   answer "451 4.3.0" to every Nth DATA (message not kept)
  --drop-every N   drop the connection after the DATA bytes, before any
                   reply (message not kept): the client cannot know
  --tls CERT KEY   offer STARTTLS with this certificate and require it
                   before MAIL; <n>.tls records the TLS version used
Prints "READY <port>" when listening. Stops when stdin closes (the test
that started it went away) or after --lifetime seconds.
"""

import argparse
import asyncio
import os
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, out, fail_every, drop_every):
        self.out = out
        self.fail_every = fail_every
        self.drop_every = drop_every
        self.n = 0
        self.kept = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        n = self.n
        if self.drop_every and n % self.drop_every == 0:
            server.transport.abort()
            return "421 4.3.0 connection dropped by the test server"
        if self.fail_every and n % self.fail_every == 0:
            return "451 4.3.0 try again later (test server)"
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
    p.add_argument("--lifetime", type=float, default=900)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = p.parse_args()
    tls = {}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        tls = {"tls_context": ctx, "require_starttls": True}
    os.makedirs(a.out, exist_ok=True)
    handler = Sink(a.out, a.fail_every, a.drop_every)
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
