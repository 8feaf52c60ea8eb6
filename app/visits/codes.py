"""Short codes a person types on a tablet (badge sign-out, pairing, pre-registration).

They are short by design, so a plain hash would be brute-forced from a stolen database in
seconds: only their keyed hash (HMAC with the server's secret) is stored, and guessing them
on-line is throttled (app.throttle SHORT_CODE)."""

import secrets

from app.config import current
from app.tokens import keyed_digest

# No 0/O/1/I/L: a visitor reading a badge aloud or typing it must not confuse them.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SIGNOUT_LENGTH = 6
PAIRING_LENGTH = 8
INVITATION_LENGTH = 8


_UNBIASED = 256 - 256 % len(ALPHABET)  # random bytes below this map evenly onto ALPHABET


def new_code(length: int) -> str:
    """Uniform over ALPHABET, from one read of the system's random source instead of one per
    character (secrets.choice; a kiosk sign-in makes a code, bench B1)."""
    code = ""
    while len(code) < length:
        randoms = secrets.token_bytes(length + 4)
        code += "".join([ALPHABET[b % len(ALPHABET)] for b in randoms if b < _UNBIASED])
    return code[:length]


def normalise(code: str) -> str:
    """What people type: lower case, spaces and dashes are forgiven."""
    return "".join(ch for ch in code.upper() if ch.isalnum())[:32]


def code_hash(code: str) -> str:
    return keyed_digest(current().secret_key, normalise(code))


def looks_valid(code: str, length: int) -> bool:
    cleaned = normalise(code)
    return len(cleaned) == length and all(ch in ALPHABET for ch in cleaned)
