"""TOTP secrets at rest: sealed with AES-GCM under a key derived from INTAKE_SECRET_KEY and
bound to their staff row, so a copy of the database (a backup, a dump, a stolen disk) hands
out no second factors, and a sealed secret copied onto another account does not open.

Stored as 64 URL-safe base64 characters (nonce, the secret's 20 bytes, the tag): the column's
length. A 32-character value is a base32 secret stored before sealing and is read as it is;
it is sealed the next time its owner turns two-factor on."""

import base64
import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import current
from app.staff import totp

log = logging.getLogger("intake.totp")

NONCE = 12
UNSEALED_LENGTH = 32  # base32 of 20 bytes, as totp.new_secret makes them


def _key() -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"intake-totp", info=b"totp-secret"
    ).derive(current().secret_key.encode())


def _row(staff_id: int) -> bytes:
    return f"staff:{staff_id}".encode()


def seal(secret: str, staff_id: int) -> str:
    nonce = os.urandom(NONCE)
    sealed = nonce + AESGCM(_key()).encrypt(nonce, totp.secret_bytes(secret), _row(staff_id))
    return base64.urlsafe_b64encode(sealed).decode()


def unseal(stored: str, staff_id: int) -> str | None:
    """The base32 secret, or None when it cannot be opened (another row's, or the secret key
    changed since it was sealed: then the code step refuses every code)."""
    if len(stored) == UNSEALED_LENGTH:
        return stored
    try:
        sealed = base64.urlsafe_b64decode(stored)
        raw = AESGCM(_key()).decrypt(sealed[:NONCE], sealed[NONCE:], _row(staff_id))
    except (InvalidTag, ValueError):
        log.warning("a TOTP secret could not be unsealed (was INTAKE_SECRET_KEY changed?)")
        return None
    return totp.secret_from_bytes(raw)
