"""Random secrets handed to a browser or a mailbox, and the hashes we keep of them.

Only the SHA-256 of a session id, invite link, reset link, sign-in link or device credential
is stored, so a copy of the database hands out nothing that works."""

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_digest(secret: str, value: str) -> str:
    """For short codes (badge sign-out, pairing) that a plain hash would not protect."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
