"""Sites (offices, issue 19 point 5): each has its address, time zone, end of day, kiosks,
hosts and reception staff.

Which sites a staff member may see is decided here, once (`site_scope`), and every reception
read and write asks it: the desk, the evacuation list, the log, sign-out, walk-ins and
pre-registration (app.visits.on_site, app.visits.visits, app.visits.preregistration). Policy:
"Secure environment - only accessible to our employees ... as needed": reception at one
office has no need to see who visits another. An admin sees every site."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from app.config import current
from app.db import fetch, transaction
from app.errors import NotFound, ValidationFailed
from app.privacy.audit import Actor
from app.tables import HostSite, Kiosk, Site, StaffMember, StaffSite
from app.visits.chat import checked_webhook

_HM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
ALL_SITES = None  # an admin's scope: no filter


class SiteFields(msgspec.Struct):
    name: str
    address: str = ""
    timezone: str = "Europe/Copenhagen"
    end_of_day: str = "20:00"
    chat_webhook: str = ""  # Slack or Teams, for hosts without their own (app.visits.chat)


class Assignments(msgspec.Struct):
    """Who and what is at a site: its hosts, kiosks and reception staff (ids)."""

    hosts: list[int]
    kiosks: list[int]
    staff: list[int]


def _check(fields: SiteFields) -> SiteFields:
    errors = {}
    name = fields.name.strip()
    if not name:
        errors["name"] = "This field is required."
    elif len(name) > 120:
        errors["name"] = "Use at most 120 characters."
    if len(fields.address) > 1000:
        errors["address"] = "Use at most 1000 characters."
    try:
        ZoneInfo(fields.timezone.strip())
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = "Choose one of the options."
    if not _HM.match(fields.end_of_day.strip()):
        errors["end_of_day"] = "Enter a time as HH:MM."
    try:
        hook = checked_webhook(fields.chat_webhook)
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        raise ValidationFailed(errors)
    return SiteFields(name, fields.address.strip(), fields.timezone.strip(),
                      fields.end_of_day.strip(), hook)  # fmt: skip


async def _name_taken(name: str, other_than: int = 0) -> None:
    if await Site.exists().where((Site.name == name) & (Site.id != other_than)):
        raise ValidationFailed({"name": "A site with this name already exists."})


async def create_site(fields: SiteFields, now: datetime) -> int:
    fields = _check(fields)
    async with transaction():
        await _name_taken(fields.name)
        row = Site(name=fields.name, address=fields.address, timezone=fields.timezone,
                   end_of_day=fields.end_of_day, chat_webhook=fields.chat_webhook,
                   created_at=now)  # fmt: skip
        await row.save()
    return int(row.id)


async def update_site(site_id: int, fields: SiteFields, assigned: Assignments) -> None:
    """The site's own fields and who and what is at it, in one transaction. A kiosk is at one
    site (ticking it here moves it); hosts and reception staff may be at several."""
    fields = _check(fields)
    async with transaction():
        if not await Site.exists().where(Site.id == site_id):
            raise NotFound("That site does not exist.")
        await _name_taken(fields.name, site_id)
        await Site.update({Site.name: fields.name, Site.address: fields.address,
                           Site.timezone: fields.timezone,
                           Site.end_of_day: fields.end_of_day,
                           Site.chat_webhook: fields.chat_webhook}).where(Site.id == site_id)  # fmt: skip
        await _assign(site_id, assigned)


async def _assign(site_id: int, assigned: Assignments) -> None:
    first = await first_site_id()
    # A kiosk taken off its site goes back to the first site: a kiosk is always somewhere.
    elsewhere = first if first != site_id else None
    await Kiosk.update({Kiosk.site: elsewhere}).where(
        (Kiosk.site == site_id) & Kiosk.id.not_in(assigned.kiosks or [0])
    )
    if assigned.kiosks:
        await Kiosk.update({Kiosk.site: site_id}).where(Kiosk.id.is_in(assigned.kiosks))
    await HostSite.delete().where(HostSite.site == site_id)
    for host_id in sorted(set(assigned.hosts)):
        await HostSite.insert(HostSite(host=host_id, site=site_id))
    reception = await StaffMember.select(StaffMember.id).where(StaffMember.role == "reception")
    allowed = {r["id"] for r in reception} & set(assigned.staff)
    await StaffSite.delete().where(StaffSite.site == site_id)
    for staff_id in sorted(allowed):
        await StaffSite.insert(StaffSite(staff=staff_id, site=site_id))


async def all_sites() -> list[dict]:
    return list(await Site.select().order_by(Site.name))


async def site_names() -> list[str]:
    """Every site's name in name order, read as constant SQL (app.db.fetch): on SQLite on the
    event loop's connection, no trip to a connection's thread (the statistics page)."""
    return [row["name"] for row in await fetch("SELECT name FROM site ORDER BY name")]


async def site_row(site_id: int) -> dict:
    row = await Site.select().where(Site.id == site_id).first()
    if row is None:
        raise NotFound("That site does not exist.")
    return row


async def assignments(site_id: int) -> Assignments:
    hosts = await HostSite.select(HostSite.host).where(HostSite.site == site_id)
    kiosks = await Kiosk.select(Kiosk.id).where(Kiosk.site == site_id)
    staff = await StaffSite.select(StaffSite.staff).where(StaffSite.site == site_id)
    return Assignments([r["host"] for r in hosts], [r["id"] for r in kiosks],
                       [r["staff"] for r in staff])  # fmt: skip


async def first_site_id() -> int:
    """The first site, made from the settings when there is none yet (a new installation; the
    upgrade's data step made it on an existing one). Kiosks, hosts and reception staff made
    without a site start there."""
    rows = await fetch("SELECT min(id) AS id FROM site")
    if rows and rows[0]["id"] is not None:
        return int(rows[0]["id"])
    settings = current()
    first = Site(name=settings.first_site_name, timezone=settings.timezone,
                 end_of_day=settings.end_of_day)  # fmt: skip
    await Site.insert(first).on_conflict(action="DO NOTHING")  # two first requests at once
    rows = await fetch("SELECT min(id) AS id FROM site")
    return int(rows[0]["id"])


async def join_first_site(*, host_id: int | None = None, staff_id: int | None = None) -> None:
    site = await first_site_id()
    if host_id is not None:
        await HostSite.insert(HostSite(host=host_id, site=site))
    if staff_id is not None:
        await StaffSite.insert(StaffSite(staff=staff_id, site=site))


async def site_scope(actor: Actor) -> tuple[int, ...] | None:
    """The sites whose visitors `actor` may see: None for an admin (all of them), the sites a
    reception member is assigned to, none for anyone else. Read fresh on every request: an
    admin's change takes effect at the next one."""
    if actor.kind == "staff" and actor.role == "admin":
        return ALL_SITES
    if actor.kind != "staff" or actor.role != "reception" or actor.id is None:
        return ()
    rows = await fetch("SELECT site FROM staff_site WHERE staff = ? ORDER BY site", actor.id)
    return tuple(int(r["site"]) for r in rows)


def in_scope(scope: tuple[int, ...] | None, site_id: int | None) -> bool:
    return scope is ALL_SITES or (site_id is not None and site_id in scope)


async def sites_in_scope(actor: Actor) -> list[dict]:
    """The sites a staff member may choose (a walk-in's or an invitation's site)."""
    scope = await site_scope(actor)
    if scope is ALL_SITES and not await Site.exists():
        await first_site_id()
    return [s for s in await all_sites() if in_scope(scope, s["id"])]


_SITE_ZONE = "SELECT timezone FROM site WHERE id = ?"


async def site_timezone(site_id: int | None) -> str:
    """The site's own time zone: its visits' day (the counters, the badge, an invitation's
    date) is the site's local day. The company's (INTAKE_TIMEZONE) for no site."""
    rows = await fetch(_SITE_ZONE, site_id) if site_id else []
    return str(rows[0]["timezone"]) if rows else current().timezone


# A site's name for a host's mail, only when there is another site to tell it from.
_NAME_AMONG_OTHERS = (
    "SELECT s.name FROM site s WHERE s.id = ? AND EXISTS (SELECT 1 FROM site o WHERE o.id <> s.id)"
)


async def name_among_sites(site_id: int) -> str:
    """The site's name when the company has more than one site, else "": the host's mail
    says where the visitor waits only when it could be somewhere else."""
    rows = await fetch(_NAME_AMONG_OTHERS, site_id)
    return str(rows[0]["name"]) if rows else ""


async def site_clocks() -> list[tuple[int, str, str]]:
    """Every site's id, time zone and end of day (the end-of-day sign-out's)."""
    rows = await Site.select(Site.id, Site.timezone, Site.end_of_day).order_by(Site.id)
    return [(r["id"], r["timezone"], r["end_of_day"]) for r in rows]


async def reception_staff() -> list[dict]:
    """Reception members an admin may assign to sites (names only, for the Sites page)."""
    return list(
        await StaffMember.select(StaffMember.id, StaffMember.display_name, StaffMember.email)
        .where((StaffMember.role == "reception") & (StaffMember.disabled == False))  # noqa: E712
        .order_by(StaffMember.display_name)
    )
