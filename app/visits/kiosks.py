"""Kiosk enrolment: a tablet becomes a kiosk by typing a pairing code that reception made.

The pairing code is short (it is typed on a tablet) and lives 10 minutes; only its keyed hash
is kept. The tablet then holds a long random device credential; only its SHA-256 is kept
(app.tokens), so a copy of the database enrols nothing. Revoking clears the hash: the tablet
is refused at its next request."""

from datetime import datetime, timedelta
from typing import Any

import msgspec

from app import throttle
from app.db import fetch, transaction
from app.errors import NotFound, ValidationFailed
from app.tables import Kiosk
from app.tokens import digest, new_token
from app.visits import codes
from app.visits.sites import ALL_SITES, first_site_id

PAIRING_VALID = timedelta(minutes=10)
SEEN_EVERY = timedelta(minutes=5)  # last_seen_at is a hint for reception, not a write per request
# A kiosk's badge printer, each a CSS @page size (kiosk/static/badge-print-*.css), so any
# printer the tablet's system knows works: a 62 mm continuous label (Brother QL), an 89x36 mm
# label (Dymo), an A6 card, or no printing.
PRINT_LAYOUTS = ("none", "brother62", "dymo89x36", "a6")


# All clients together may miss many times (a pairing is rare), but not endlessly.
_ALL = throttle.Policy(free=50, base_seconds=30, cap_seconds=600, reset_after=900)


class Pairing(msgspec.Struct, frozen=True):
    kiosk_id: int
    code: str
    expires_at: datetime


class Enrolled(msgspec.Struct, frozen=True):
    kiosk_id: int
    name: str
    credential: str


class KioskDevice(msgspec.Struct, frozen=True):
    id: int
    name: str
    location: str
    print_layout: str = "none"
    site_id: int = 0  # its site's visitors, hosts and notice (issue 19.5)
    timezone: str = ""  # its site's own: a visit's day is the site's local day
    # Its site's name for the host's mail when there are other sites, else ""; None: no site.
    site_name: str | None = None


async def create_kiosk(name: str, location: str, now: datetime, site_id: int = 0) -> Pairing:
    """A new kiosk, at `site_id` or else the first site (an admin moves it under Sites)."""
    name, location = name.strip(), location.strip()
    if not name:
        raise ValidationFailed({"name": "This field is required."})
    async with transaction():
        site = site_id or await first_site_id()
        row = Kiosk(name=name[:100], location=location[:200], created_at=now, site=site)
        await row.save()
        return await _new_pairing(int(row.id), now)


def _one(kiosk_id: int, scope: tuple[int, ...] | None) -> Any:
    """Kiosk `kiosk_id`, if it is at a site in `scope` (app.visits.sites.site_scope: reception
    acts only on its own sites' tablets; an admin, the CLI and tests on all of them)."""
    if scope is ALL_SITES:
        return Kiosk.id == kiosk_id
    return (Kiosk.id == kiosk_id) & Kiosk.site.is_in(list(scope) or [0])


async def _ensure(kiosk_id: int, scope: tuple[int, ...] | None) -> None:
    """Another site's kiosk is "not found", as one that never was."""
    if not await Kiosk.exists().where(_one(kiosk_id, scope)):
        raise NotFound("That kiosk does not exist.")


async def new_pairing_code(
    kiosk_id: int, now: datetime, scope: tuple[int, ...] | None = ALL_SITES
) -> Pairing:
    """A fresh code for a kiosk (re-pairing a replaced tablet also revokes the old one)."""
    async with transaction():
        await _ensure(kiosk_id, scope)
        await Kiosk.update({Kiosk.credential_hash: None, Kiosk.revoked_at: None}).where(
            Kiosk.id == kiosk_id
        )
        return await _new_pairing(kiosk_id, now)


async def _new_pairing(kiosk_id: int, now: datetime) -> Pairing:
    code = codes.new_code(codes.PAIRING_LENGTH)
    expires = now + PAIRING_VALID
    await Kiosk.update(
        {Kiosk.pairing_code_hash: codes.code_hash(code), Kiosk.pairing_expires_at: expires}
    ).where(Kiosk.id == kiosk_id)
    return Pairing(kiosk_id=kiosk_id, code=code, expires_at=expires)


async def enrol(code: str, client: str, now: datetime) -> Enrolled:
    """Exchange a valid pairing code for the device credential (once: the code is spent).

    Guessing is throttled per client (the truncated IP) and in total across all clients."""
    keys = [throttle.key("pair-client", client), throttle.key("pair-all", "kiosk")]
    await throttle.ensure_allowed(keys, now)
    wrong = ValidationFailed({"code": "That pairing code is wrong or has expired."})
    if not codes.looks_valid(code, codes.PAIRING_LENGTH):
        await throttle.record_failure(keys[0], throttle.SHORT_CODE, now)
        raise wrong
    credential = new_token()
    async with transaction():
        row = await (
            Kiosk.select(Kiosk.id, Kiosk.name)
            .where(
                (Kiosk.pairing_code_hash == codes.code_hash(code))
                & (Kiosk.pairing_expires_at > now)
            )
            .first()
        )
        if row is not None:
            await Kiosk.update(
                {
                    Kiosk.pairing_code_hash: None,
                    Kiosk.pairing_expires_at: None,
                    Kiosk.credential_hash: digest(credential),
                    Kiosk.enrolled_at: now,
                    Kiosk.revoked_at: None,
                    Kiosk.last_seen_at: now,
                }
            ).where(Kiosk.id == row["id"])
    if row is None:
        for k in keys:
            await throttle.record_failure(k, _ALL if k == keys[1] else throttle.SHORT_CODE, now)
        raise wrong
    return Enrolled(kiosk_id=row["id"], name=row["name"], credential=credential)


# Every request of every tablet asks this (kiosk guard): constant SQL (app.db.fetch).
# Its site's time zone comes with it (the same round trip), for the sign-in's day, and its
# site's name if there is another site, for the host's mail (no query more on bench B1).
_DEVICE = (
    "SELECT k.id, k.name, k.location, k.print_layout, k.site, s.timezone, s.name AS site_name, "
    "EXISTS (SELECT 1 FROM site o WHERE o.id <> k.site) AS other_sites, "
    "(k.last_seen_at IS NULL OR k.last_seen_at < ?) AS unseen "
    "FROM kiosk k LEFT JOIN site s ON s.id = k.site "
    "WHERE k.credential_hash = ? AND k.revoked_at IS NULL"
)


async def device(credential: str | None, now: datetime) -> KioskDevice | None:
    """The enrolled, unrevoked kiosk holding `credential`, or None."""
    if not credential or len(credential) > 200:
        return None
    rows = await fetch(_DEVICE, now - SEEN_EVERY, digest(credential))
    if not rows:
        return None
    row = rows[0]
    if row["unseen"]:  # compared in SQL: no timestamp to parse on every request
        await Kiosk.update({Kiosk.last_seen_at: now}).where(Kiosk.id == row["id"])
    site_name = None if row["site_name"] is None else row["site_name"] if row["other_sites"] else ""
    return KioskDevice(row["id"], row["name"], row["location"], row["print_layout"],
                       row["site"] or 0, row["timezone"] or "", site_name)  # fmt: skip


async def revoke(kiosk_id: int, now: datetime, scope: tuple[int, ...] | None = ALL_SITES) -> None:
    async with transaction():
        await _ensure(kiosk_id, scope)
        await Kiosk.update(
            {
                Kiosk.revoked_at: now,
                Kiosk.credential_hash: None,
                Kiosk.pairing_code_hash: None,
                Kiosk.pairing_expires_at: None,
            }
        ).where(Kiosk.id == kiosk_id)


async def set_print_layout(
    kiosk_id: int, layout: str, scope: tuple[int, ...] | None = ALL_SITES
) -> None:
    if layout not in PRINT_LAYOUTS:
        raise ValidationFailed({"print_layout": "Choose one of the options."})
    async with transaction():
        await _ensure(kiosk_id, scope)
        await Kiosk.update({Kiosk.print_layout: layout}).where(Kiosk.id == kiosk_id)


async def all_kiosks(scope: tuple[int, ...] | None = ALL_SITES) -> list[dict]:
    """The kiosks at the sites in `scope` (site_scope: a receptionist's own sites, an admin's
    all): reception of one office has no need to see or act on another's tablets."""
    query = Kiosk.select(
        Kiosk.id,
        Kiosk.name,
        Kiosk.location,
        Kiosk.enrolled_at,
        Kiosk.revoked_at,
        Kiosk.last_seen_at,
        Kiosk.pairing_expires_at,
        Kiosk.credential_hash,
        Kiosk.print_layout,
        Kiosk.site.name.as_alias("site_name"),
        Kiosk.site.timezone.as_alias("site_timezone"),  # "last seen" on that office's clock
    ).order_by(Kiosk.name)
    if scope is not ALL_SITES:
        query = query.where(Kiosk.site.is_in(list(scope) or [0]))
    rows = await query
    # The hash never leaves this module; the console only needs to know there is one.
    return [{**r, "credential_hash": None, "enrolled": bool(r["credential_hash"])} for r in rows]
