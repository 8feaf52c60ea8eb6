"""Time-based one-time passwords (RFC 6238, SHA-1, 30 s, 6 digits): what every authenticator
app speaks. Admins can turn it on for their own login (SECURITY.md "Passwords and login")."""

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote

STEP = 30
DIGITS = 6


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def code_at(secret: str, moment: datetime) -> str:
    counter = int(moment.timestamp()) // STEP
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def verify(secret: str, code: str, now: datetime) -> bool:
    """Accept the current step and one on either side (clock drift on phones)."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != DIGITS:
        return False
    from datetime import timedelta

    return any(
        hmac.compare_digest(code_at(secret, now + timedelta(seconds=STEP * k)), code)
        for k in (-1, 0, 1)
    )


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&digits=6&period=30"
