"""Sign-out from the visitor's own phone: the badge's QR code holds a link that signs its
visitor out with one tap, no app and no login (issue 19, point 2).

The link's token is the badge's six-character sign-out code followed by a keyed MAC of that
code and the visit's id (70 bits): unguessable, and bound to this one visit. Nothing more is
stored: the code's keyed hash is already kept (indexed) while the visitor is on site, and
every sign-out clears it, so a link works once, and no longer after the visitor has left by
any door. It also stops at the end of the visit's day (end_of_visit_day), like the auto
sign-out. A copy of the database gives no link: the MAC needs the server's secret."""

import base64
import functools
import hashlib
import hmac
from datetime import datetime

import msgspec

from app.config import current
from app.db import fetch, transaction
from app.tables import Visit
from app.visits import codes
from app.visits.local_time import end_of_visit_day
from app.visits.visits import sign_out_visit

MAC_LENGTH = 14  # base32 characters: 70 bits
TOKEN_LENGTH = codes.SIGNOUT_LENGTH + MAC_LENGTH
PATH = "/OUT/"  # upper case: the whole link fits the QR code's denser alphanumeric mode
_ON_SITE = (
    "SELECT v.id, v.uid, v.visitor_name, v.signed_in_at, h.name AS host_name, "
    "s.timezone, s.end_of_day FROM visit v LEFT JOIN host h ON h.id = v.host "
    "LEFT JOIN site s ON s.id = v.site WHERE v.signout_code_hash = ?"
)


class PhoneVisit(msgspec.Struct, frozen=True):
    visit_id: int
    first_name: str
    host_name: str


def _mac(code: str, visit_ref: str) -> str:
    keyed = _keyed(current().secret_key).copy()
    keyed.update(f"phone-sign-out|{code}|{visit_ref}".encode())
    return base64.b32encode(keyed.digest()).decode()[:MAC_LENGTH]


@functools.lru_cache(maxsize=4)
def _keyed(secret: str) -> "hmac.HMAC":
    """HMAC-SHA256 with the server's key set up once; each MAC copies it (every badge and
    every phone sign-out makes one: B1)."""
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def sign_out_token(code: str, visit_ref: str) -> str:
    code = codes.normalise(code)
    return code + _mac(code, visit_ref)


def sign_out_url(code: str, visit_ref: str) -> str:
    """The link on the badge. Scheme and host are upper case when the base URL has no path
    (both are case-insensitive), so the QR code stays small (alphanumeric mode)."""
    base = current().base_url
    rest = base.partition("://")[2]
    if "/" not in rest:
        base = base.upper()
    return base + PATH + sign_out_token(code, visit_ref)


async def visit_for(token: str, now: datetime) -> PhoneVisit | None:
    """The on-site visit a link names, if it is still valid; None for anything else (a
    wrong, used or expired link: the page says the same for all)."""
    token = codes.normalise(token)
    code, mac = token[: codes.SIGNOUT_LENGTH], token[codes.SIGNOUT_LENGTH :]
    if len(token) != TOKEN_LENGTH or not codes.looks_valid(code, codes.SIGNOUT_LENGTH):
        return None
    rows = await fetch(_ON_SITE, codes.code_hash(code))
    if not rows:
        return None
    row = rows[0]
    if not hmac.compare_digest(mac, _mac(code, str(row["uid"]))):
        return None
    signed_in_at = row["signed_in_at"]
    if isinstance(signed_in_at, str):  # SQLite through app.db.fetch
        signed_in_at = datetime.fromisoformat(signed_in_at)
    # The visit's own site's end of day, in its time zone (issue 19.5), as the job does.
    if now >= end_of_visit_day(signed_in_at, row["timezone"], row["end_of_day"]):
        return None
    first = (row["visitor_name"] or "").split()
    return PhoneVisit(int(row["id"]), first[0] if first else "", row["host_name"] or "")


async def sign_out_by_link(token: str, now: datetime) -> bool:
    """One tap: the visit is signed out ("phone") and the link is spent. False when the
    link is not (or no longer) valid."""
    async with transaction():
        found = await visit_for(token, now)
        if found is None:
            return False
        on_site = (Visit.id == found.visit_id) & Visit.signed_out_at.is_null()
        return await sign_out_visit(on_site, "phone", now) == 1
