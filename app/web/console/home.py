"""The console home: the navigation every other console page hangs from."""

from litestar import Request, get
from litestar.response import Template

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
    ("/console/disclosures", "Disclosures", ("admin", "hr")),
    ("/console/audit", "Audit log", ("admin",)),
    ("/console/notices", "Notices", ("admin",)),
    ("/console/art30", "Record of processing", ("admin",)),
    # Visits (issue 4): reception's desk, the tablets and the hosts list.
    ("/console/reception", "Reception", ("admin", "reception")),
    ("/console/kiosks", "Kiosks", ("admin", "reception")),
    ("/console/hosts", "Hosts", ("admin",)),
    # Retention (issue 6): rules, what falls due, job runs.
    ("/console/retention", "Retention", ("admin",)),
]


def navigation_for(role: str) -> list[tuple[str, str]]:
    return [(path, label) for path, label, roles in NAVIGATION if role in roles]


@get("/console", opt=staff())
async def home(request: Request) -> Template:
    me = request.scope["state"]["staff"]
    return page(
        request,
        "console/home.html",
        nav=navigation_for(me.role),
        changed=request.query_params.get("changed") == "1",
    )


ROUTES = [home]
