"""Bulk actions from the queue (issue 17.6): the selected applications, one action, and a
page that says what was done and what was skipped, and why."""

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Template

from app.clock import utcnow
from app.errors import Conflict
from app.recruiting import bulk, positions_admin
from app.web.access import staff
from app.web.console.chrome import actor, console_page
from app.web.render import translate


@post("/console/positions/{position_id:int}/applications/bulk", opt=staff("hr", "admin"))
async def bulk_action(request: Request, position_id: FromPath[int]) -> Template:
    position = await positions_admin.get_position(position_id)
    raw = await request.form()
    ids = [int(v) for v in raw.getall("selected", []) if str(v).isdigit()]
    action = str(raw.get("bulk_action") or "")
    problem = ""
    outcomes: list[bulk.Outcome] = []
    if not ids:
        problem = translate(request, "Select at least one application.")
    else:
        try:
            outcomes = await bulk.apply(actor(request), position_id, ids, action, utcnow())
        except Conflict as exc:
            problem = translate(request, exc.message)
    return console_page(
        request,
        "console/bulk_result.html",
        status_code=400 if problem else 200,
        position=position,
        problem=problem,
        done=[o for o in outcomes if not o.refused],
        skipped=[o for o in outcomes if o.refused],
        action=action,
    )


ROUTES = [bulk_action]
