"""The rights-request queue: received, due (one month, extendable by two), status, assignee."""

from datetime import date

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import IntakeError, ValidationFailed
from app.privacy import requests_queue
from app.tables import StaffMember
from app.web.access import staff
from app.web.console.chrome import actor, console_page, query
from app.web.forms import choice, first_values, parse_form, text
from app.web.render import translate

STATUS_FILTERS = ("open", "in_progress", "done", "refused", "all")


class AssignForm(msgspec.Struct):
    assignee: int


class ExtendForm(msgspec.Struct):
    due: date
    reason: text(1000, 1)  # type: ignore[valid-type]


class CloseForm(msgspec.Struct):
    status: choice(*requests_queue.CLOSED_STATUSES)  # type: ignore[valid-type]
    outcome: text(2000) = ""  # type: ignore[valid-type]


@get("/console/requests", opt=staff("hr", "admin"))
async def request_list(request: Request) -> Template:
    status = query(request, "status", 16) or "open"
    status = status if status in STATUS_FILTERS else "open"
    rows = await requests_queue.list_requests(status, utcnow())
    return console_page(
        request,
        "console/requests.html",
        rows=rows,
        status=status,
        statuses=STATUS_FILTERS,
        erased=query(request, "erased", 64),
    )


async def _detail(
    request: Request, request_id: int, status_code: int = 200, **ctx: object
) -> Template:
    row = await requests_queue.view(actor(request), request_id, utcnow())
    colleagues = await StaffMember.select(StaffMember.id, StaffMember.display_name).where(
        StaffMember.role.is_in(["admin", "hr"]) & (StaffMember.disabled == False)  # noqa: E712
    )
    return console_page(
        request,
        "console/request.html",
        status_code=status_code,
        req=row,
        colleagues=colleagues,
        **ctx,
    )


@get("/console/requests/{request_id:int}", opt=staff("hr", "admin"))
async def request_detail(request: Request, request_id: FromPath[int]) -> Template:
    return await _detail(request, request_id, done=request.query_params.get("done", ""))


@post("/console/requests/{request_id:int}/{step:str}", opt=staff("hr", "admin"))
async def request_step(
    request: Request, request_id: FromPath[int], step: FromPath[str]
) -> Template | Redirect:
    form = first_values(await request.form())
    me, now = actor(request), utcnow()
    try:
        if step == "assign":
            await requests_queue.assign(me, request_id, parse_form(form, AssignForm).assignee, now)
        elif step == "extend":
            data = parse_form(form, ExtendForm)
            await requests_queue.extend(me, request_id, data.due, data.reason, now)
        elif step == "close":
            done = parse_form(form, CloseForm)
            await requests_queue.close(me, request_id, done.status, done.outcome, now)
        elif step == "erase":
            receipt = await requests_queue.carry_out_erasure(me, request_id, now)
            return Redirect(f"/console/requests?erased={receipt}", status_code=303)
        else:
            raise ValidationFailed({"form": "That is not possible here."})
    except ValidationFailed as exc:
        return await _detail(request, request_id, status_code=400, errors=exc.errors, values=form)
    except IntakeError as exc:
        if exc.status_code == 404:
            raise
        return await _detail(
            request,
            request_id,
            status_code=exc.status_code,
            problem=translate(request, exc.message),
        )
    return Redirect(f"/console/requests/{request_id}?done={step}", status_code=303)


@get("/console/requests/{request_id:int}/export", opt=staff("hr", "admin"))
async def request_export(request: Request, request_id: FromPath[int]) -> Response:
    """The candidate's data as one ZIP, for answering an access request (Art. 15)."""
    content = await requests_queue.carry_out_access(actor(request), request_id, utcnow())
    return Response(
        content,
        media_type="application/zip",
        headers={
            "content-disposition": f'attachment; filename="access-request-{request_id}.zip"',
            "cache-control": "no-store",
        },
    )


ROUTES = [request_list, request_detail, request_step, request_export]
