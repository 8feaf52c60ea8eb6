"""The console home: the day's work for the signed-in role (issue 17 point 9), and the
navigation every other console page hangs from.

Each box is counts and links, never a name: what waits for review (decided per application
by app.privacy.access), rights requests near or past their deadline, today's interviews,
who is in the building, and mail that failed. A box shows only to the roles whose pages it
links to."""

from typing import Any

from litestar import Request, get
from litestar.response import Template

from app.clock import utcnow
from app.mail import failed_count
from app.privacy.access import REVIEW_ROLES
from app.privacy.audit import Actor
from app.privacy.requests_queue import due_soon
from app.recruiting import waiting
from app.visits import on_site
from app.web.access import staff
from app.web.render import page

# (path, label, roles, group). The portal, kiosk, console and retention work add their entries
# here. A group of "" is the day's work, always in sight; the others are menus in the header,
# so the row stays short enough to scan (about 19 links in one row before).
NAVIGATION: list[tuple[str, str, tuple[str, ...], str]] = [
    ("/console", "Home", ("admin", "hr", "reception"), ""),
    # Staff console (issue 5): recruiting and the data-protection officer's pages.
    ("/console/positions", "Positions", ("admin", "hr"), ""),
    ("/console/requests", "Rights requests", ("admin", "hr"), ""),
    # Visits (issue 4): reception's desk, the tablets and the hosts list.
    ("/console/reception", "Reception", ("admin", "reception"), ""),
    ("/console/staff", "Staff", ("admin",), "People"),
    ("/console/hosts", "Hosts", ("admin",), "People"),
    ("/console/statistics", "Statistics", ("admin", "hr"), "Data protection"),
    ("/console/disclosures", "Disclosures", ("admin", "hr"), "Data protection"),
    ("/console/audit", "Audit log", ("admin",), "Data protection"),
    ("/console/notices", "Notices", ("admin",), "Data protection"),
    ("/console/art30", "Record of processing", ("admin",), "Data protection"),
    # Retention (issue 6): rules, what falls due, job runs.
    ("/console/retention", "Retention", ("admin",), "Data protection"),
    ("/console/sites", "Sites", ("admin",), "Settings"),  # offices (issue 19.5)
    ("/console/kiosks", "Kiosks", ("admin", "reception"), "Settings"),
    ("/console/sources", "Sources of application", ("admin",), "Settings"),
    ("/console/messages", "Message templates", ("admin",), "Settings"),
    ("/console/hris", "HR system hand-off", ("admin",), "Settings"),
    ("/console/outbox", "Outbox", ("admin",), "Settings"),
]
GROUPS = ("", "People", "Data protection", "Settings")


def navigation_for(role: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The role's links by group, in GROUPS' order: [(group, [(path, label)])], no empty
    group. The templates show the first group as a row and each other as a menu."""
    groups = [
        (group, [(p, label) for p, label, roles, g in NAVIGATION if g == group and role in roles])
        for group in GROUPS
    ]
    return [(group, links) for group, links in groups if links]


async def work_for(role: str, actor: Actor) -> dict[str, Any]:
    """The boxes `role` sees; a box that is not theirs is absent, not zero."""
    now = utcnow()
    work: dict[str, Any] = {}
    if role in REVIEW_ROLES:
        work["positions"] = await waiting.waiting_per_position(role)
        work["interviews"] = await waiting.interviews_today(role, now)
    if role in ("admin", "hr"):  # who answer rights requests (/console/requests)
        work["requests"] = await due_soon(now)
    if role in ("admin", "reception"):  # the reception desk's roles
        work["visits"] = await on_site.counts(actor, now)  # of the reader's own sites
    if role == "admin":
        work["failed_mail"] = await failed_count()
    return work


@get("/console", opt=staff())
async def home(request: Request) -> Template:
    me = request.scope["state"]["staff"]
    return page(
        request,
        "console/home.html",
        nav=navigation_for(me.role),
        changed=request.query_params.get("changed") == "1",
        work=await work_for(me.role, Actor(kind="staff", id=me.id, role=me.role)),
    )


ROUTES = [home]
