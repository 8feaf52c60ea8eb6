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
    return secret_from_bytes(secrets.token_bytes(20))


def secret_bytes(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def secret_from_bytes(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP


def code_at(secret: str, moment: datetime) -> str:
    return _code(secret, step_at(moment))


def _code(secret: str, counter: int) -> str:
    digest = hmac.new(secret_bytes(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is: the current one or one on either side (clock drift
    on phones); None for a wrong code. The caller spends the step (RFC 6238 5.2: a code that
    logged in once must not log in again)."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != DIGITS:
        return None
    now_step = step_at(now)
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(_code(secret, step), code):
            return step
    return None


def verify(secret: str, code: str, now: datetime) -> bool:
    return matching_step(secret, code, now) is not None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&digits=6&period=30"
