"""The audit log for admins: filter by actor, action and date."""

from litestar import Request, get
from litestar.response import Template

from app.privacy import audit_labels, audit_log
from app.web.access import staff
from app.web.console.chrome import console_page, query
from app.web.console.review import _date


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@get("/console/audit", opt=staff("admin"))
async def audit_page(request: Request) -> Template:
    f = audit_log.AuditFilter(
        actor_id=_int(query(request, "actor", 10)),
        action=query(request, "action", 48),
        since=_date(query(request, "from", 10)),
        until=_date(query(request, "to", 10)),
        subject_ref=query(request, "subject", 64),
    )
    rows, before = await audit_log.search(f, _int(query(request, "before", 10)))
    values = {k: query(request, k) for k in ("actor", "action", "from", "to", "subject")}
    return console_page(
        request,
        "console/audit.html",
        rows=rows,
        before=before,
        values=values,
        actions=await audit_log.actions(),
        actors=await audit_log.actors(),
        action_labels=audit_labels.ACTIONS,
        kind_labels=audit_labels.KINDS,
    )


ROUTES = [audit_page]
