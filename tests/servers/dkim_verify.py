"""Verifies DKIM signatures on messages as a receiving server would (dkimpy).

Usage: dkim_verify.py <selector> <domain> <key> <file.eml>...
<key> is an Ed25519 seed in base64, or `rsa:<file>` with an RSA public key in
PEM. The DNS record `<selector>._domainkey.<domain>` that would publish it is
made here (no DNS is asked). For each file prints
"OK <h= tag>" or "FAIL <reason>"; exits non-zero when any fails.
"""

import base64
import sys

import dkim
import nacl.signing


def main():
    selector, domain, key, *files = sys.argv[1:]
    if key.startswith("rsa:"):
        pem = open(key[4:]).read().split("\n")
        body = "".join(line for line in pem if line and not line.startswith("-----"))
        record = b"v=DKIM1; k=rsa; p=" + body.encode()
    else:
        verify_key = nacl.signing.SigningKey(base64.b64decode(key)).verify_key
        record = b"v=DKIM1; k=ed25519; p=" + base64.b64encode(bytes(verify_key))
    want = f"{selector}._domainkey.{domain}.".encode()

    def dns(name, timeout=5):
        return record if name == want else None

    failed = False
    for path in files:
        raw = open(path, "rb").read()
        d = dkim.DKIM(raw)
        try:
            ok = d.verify(dnsfunc=dns)
        except dkim.DKIMException as e:
            ok, reason = False, str(e)
        else:
            reason = "signature does not verify"
        if ok:
            h = d.signature_fields[b"h"].decode()
            print("OK", "".join(h.split()))
        else:
            failed = True
            print("FAIL", path, reason)
    sys.exit(1 if failed else 0)


main()
