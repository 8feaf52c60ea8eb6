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

# (path, label, roles). The portal, kiosk, console and retention work add their entries here.
NAVIGATION: list[tuple[str, str, tuple[str, ...]]] = [
    ("/console", "Home", ("admin", "hr", "reception")),
    ("/console/staff", "Staff", ("admin",)),
    ("/console/outbox", "Outbox", ("admin",)),
    # Staff console (issue 5): recruiting and the data-protection officer's pages.
    ("/console/positions", "Positions", ("admin", "hr")),
    ("/console/requests", "Rights requests", ("admin", "hr")),
    ("/console/statistics", "Statistics", ("admin", "hr")),
    ("/console/sources", "Sources of application", ("admin",)),
    ("/console/messages", "Message templates", ("admin",)),
    ("/console/disclosures", "Disclosures", ("admin", "hr")),
    ("/console/audit", "Audit log", ("admin",)),
    ("/console/hris", "HR system hand-off", ("admin",)),
    ("/console/notices", "Notices", ("admin",)),
    ("/console/art30", "Record of processing", ("admin",)),
    # Visits (issue 4): reception's desk, the tablets and the hosts list.
    ("/console/reception", "Reception", ("admin", "reception")),
    ("/console/kiosks", "Kiosks", ("admin", "reception")),
    ("/console/hosts", "Hosts", ("admin",)),
    ("/console/sites", "Sites", ("admin",)),  # offices (issue 19.5)
    # Retention (issue 6): rules, what falls due, job runs.
    ("/console/retention", "Retention", ("admin",)),
]


def navigation_for(role: str) -> list[tuple[str, str]]:
    return [(path, label) for path, label, roles in NAVIGATION if role in roles]


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
