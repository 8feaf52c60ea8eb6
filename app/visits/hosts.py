"""Hosts: the colleagues visitors come to see, kept by admins (the kiosk lists active ones)."""

import msgspec

from app.addresses import checked_address
from app.config import current
from app.db import fetch, transaction
from app.errors import NotFound, ValidationFailed
from app.search import contains
from app.tables import Host, HostSite
from app.visits.chat import checked_webhook
from app.visits.sites import join_first_site

# A visitor sees hosts only once they have typed two letters of one, and then only the few
# that match (issue 19, point 6): the kiosk never hands every employee's name to a walk-in.
MIN_TYPED = 2
MATCHES_SHOWN = 8
# Only hosts of the kiosk's (or desk's) site: parameter the site's id (issue 19.5).
AT_SITE = " AND EXISTS (SELECT 1 FROM host_site hs WHERE hs.host = {host}.id AND hs.site = ?)"
_AT_SITE = AT_SITE.format(host="host")


class HostInfo(msgspec.Struct, frozen=True):
    id: int
    name: str
    department: str


class HostFields(msgspec.Struct):
    name: str
    email: str
    department: str = ""
    active: bool = True
    language: str = "en"  # their visitor mail's language
    chat_webhook: str = ""  # their own Slack or Teams webhook (app.visits.chat)


async def active_hosts(sites: tuple[int, ...] | None = None) -> list[HostInfo]:
    """Active hosts, of `sites` only when given (the desk's own sites)."""
    query = Host.select(Host.id, Host.name, Host.department).where(
        Host.active == True  # noqa: E712 - Piccolo builds SQL from ==
    )
    if sites is not None:
        at = HostSite.select(HostSite.host).where(HostSite.site.is_in(list(sites) or [0]))
        query = query.where(Host.id.is_in(at))
    rows = await query.order_by(Host.name)
    return [HostInfo(id=r["id"], name=r["name"], department=r["department"]) for r in rows]


async def hosts_by_site(sites: tuple[int, ...]) -> dict[int, list[int]]:
    """The ids of each of `sites`' active hosts: the desk's host select follows its site
    select, as the kiosk offers only its own site's hosts (issue 19.5)."""
    rows = await HostSite.select(HostSite.site, HostSite.host).where(
        HostSite.site.is_in(list(sites) or [0]),
        HostSite.host.active == True,  # noqa: E712 - Piccolo builds SQL from ==
    )
    by_site: dict[int, list[int]] = {site: [] for site in sites}
    for row in rows:
        by_site[row["site"]].append(row["host"])
    return by_site


async def matching_hosts(typed: str, site_id: int) -> list[HostInfo]:
    """Active hosts of the site whose name contains what the visitor typed (any case, any
    alphabet), at most MATCHES_SHOWN; none for fewer than MIN_TYPED letters."""
    typed = "".join(ch for ch in typed if ch not in "%_\\*?[").strip()  # letters, not patterns
    if len(typed) < MIN_TYPED:
        return []
    where, value = contains("name", typed)
    rows = await fetch(
        f"SELECT id, name, department FROM host WHERE active = ? AND {where}{_AT_SITE} "  # noqa: S608 - constants
        f"ORDER BY name LIMIT {MATCHES_SHOWN}",
        True,
        value,
        site_id,
    )
    return [HostInfo(id=r["id"], name=r["name"], department=r["department"]) for r in rows]


async def chosen_host(host_id: int, site_id: int) -> list[HostInfo]:
    """The host a visitor already chose (back from the confirm screen), as a list of one."""
    rows = await fetch("SELECT id, name, department FROM host WHERE id = ? AND active = ?"  # noqa: S608 - constants joined
                       + _AT_SITE, host_id, True, site_id)  # fmt: skip
    return [HostInfo(id=r["id"], name=r["name"], department=r["department"]) for r in rows]


async def all_hosts() -> list[dict]:
    return list(await Host.select().order_by(Host.name))


# Every kiosk sign-in asks this: constant SQL (app.db.fetch, bench B1).
_ACTIVE_HOST = (
    "SELECT id, name, email, language FROM host WHERE id = ? AND active = ?" + _AT_SITE  # noqa: S608 - constants joined
)


async def active_host(host_id: int, site_id: int) -> dict:
    """The host a visitor chose (id, name, e-mail), at the site; an unknown or retired one,
    or one of another site, is a field error, not a 500."""
    rows = await fetch(_ACTIVE_HOST, host_id, True, site_id)
    if not rows:
        raise ValidationFailed({"host": "Choose a host from the list."})
    return rows[0]


def _check(fields: HostFields) -> None:
    if not fields.name.strip():
        raise ValidationFailed({"name": "This field is required."})
    if fields.language not in current().languages:
        raise ValidationFailed({"language": "Choose one of the options."})
    checked_address(fields.email)  # a host's address receives every arrival mail
    fields.chat_webhook = checked_webhook(fields.chat_webhook)


async def create_host(fields: HostFields) -> int:
    """A new host starts at the first site; an admin adds them to others (Sites)."""
    _check(fields)
    async with transaction():
        row = Host(
            name=fields.name.strip(),
            email=fields.email.strip(),
            department=fields.department.strip(),
            active=fields.active,
            language=fields.language,
            chat_webhook=fields.chat_webhook,
        )
        await row.save()
        await join_first_site(host_id=int(row.id))
    return int(row.id)


async def update_host(host_id: int, fields: HostFields) -> None:
    _check(fields)
    async with transaction():
        if not await Host.exists().where(Host.id == host_id):
            raise NotFound("That host does not exist.")
        await Host.update(
            {
                Host.name: fields.name.strip(),
                Host.email: fields.email.strip(),
                Host.department: fields.department.strip(),
                Host.active: fields.active,
                Host.language: fields.language,
                Host.chat_webhook: fields.chat_webhook,
            }
        ).where(Host.id == host_id)
