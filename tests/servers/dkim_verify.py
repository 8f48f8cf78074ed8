"""Verifies DKIM signatures on messages as a receiving server would (dkimpy).

Usage: dkim_verify.py <selector> <domain> <ed25519-seed-base64> <file.eml>...
The public key that the DNS record `<selector>._domainkey.<domain>` would
publish is derived from the seed (no DNS is asked). For each file prints
"OK <h= tag>" or "FAIL <reason>"; exits non-zero when any fails.
"""

import base64
import sys

import dkim
import nacl.signing


def main():
    selector, domain, seed_b64, *files = sys.argv[1:]
    verify_key = nacl.signing.SigningKey(base64.b64decode(seed_b64)).verify_key
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
