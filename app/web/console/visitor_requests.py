"""A visitor's rights request carried out: find the visits that are theirs, tick them, then
download exactly those (access) or erase exactly those (erasure, an upheld objection).
The queue's role rule applies: HR and admin (app/web/console/requests.py)."""

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import IntakeError, ValidationFailed
from app.visits import rights
from app.visits.local_time import local_date
from app.web.access import staff
from app.web.console.chrome import actor, console_page, query
from app.web.render import translate

QUEUE = staff("hr", "admin")


async def _page(request: Request, request_id: int, status_code: int = 200, **ctx: Any) -> Template:
    row, visits = await rights.review(actor(request), request_id, utcnow())
    return console_page(
        request,
        "console/visitor_request.html",
        status_code=status_code,
        req=row,
        visits=visits,
        given_date=rights.visit_date(row["details"]),
        match_days=rights.MATCH_DAYS,
        day=local_date,
        **ctx,
    )


async def _ticked(request: Request) -> list[int]:
    form = await request.form()
    values = [v for k, v in form.multi_items() if k == "visit"]
    try:
        return [int(v) for v in values[: rights.MAX_CANDIDATES]]
    except ValueError:
        raise ValidationFailed({"visit": "Tick only visits from the list."}) from None


async def _refused(request: Request, request_id: int, exc: IntakeError, ticked: Any) -> Template:
    if exc.status_code == 404:
        raise exc
    if isinstance(exc, ValidationFailed):
        return await _page(request, request_id, 400, errors=exc.errors, ticked=ticked)
    problem = translate(request, exc.message)
    return await _page(request, request_id, exc.status_code, problem=problem, ticked=ticked)


@get("/console/requests/{request_id:int}/visits", opt=QUEUE)
async def visitor_request_visits(request: Request, request_id: FromPath[int]) -> Template:
    return await _page(request, request_id, erased=query(request, "erased", 8))


@post("/console/requests/{request_id:int}/visits/access", opt=QUEUE)
async def visitor_request_access(
    request: Request, request_id: FromPath[int]
) -> Response | Template:
    """Art. 15: the ticked visits as a JSON file for staff to send on."""
    ticked: list[int] = []
    try:
        ticked = await _ticked(request)
        content = await rights.export_visits(actor(request), request_id, ticked, utcnow())
    except IntakeError as exc:
        return await _refused(request, request_id, exc, ticked)
    return Response(
        content,
        media_type="application/json",
        status_code=200,
        headers={
            "content-disposition": f'attachment; filename="visitor-request-{request_id}.json"',
            "cache-control": "no-store",
        },
    )


@post("/console/requests/{request_id:int}/visits/erase", opt=QUEUE)
async def visitor_request_erase(request: Request, request_id: FromPath[int]) -> Redirect | Template:
    """Art. 17: the ticked visits erased at once; then the request is closed as usual."""
    ticked: list[int] = []
    try:
        ticked = await _ticked(request)
        receipts = await rights.erase_visits(actor(request), request_id, ticked, utcnow())
    except IntakeError as exc:
        return await _refused(request, request_id, exc, ticked)
    # 303: a reload shows the result, it does not erase again.
    return Redirect(
        f"/console/requests/{request_id}/visits?erased={len(receipts)}", status_code=303
    )


ROUTES = [visitor_request_visits, visitor_request_access, visitor_request_erase]
