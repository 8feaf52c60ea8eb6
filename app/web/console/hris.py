"""Hand-off to the HR system (issue 17 point 10): HR's button on a hired candidate's
application, and the delivery log admins read (references and attempts only)."""

import uuid

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import IntakeError, NotFound
from app.recruiting import handover
from app.web.access import staff
from app.web.console.applications import BASE, _back, refused
from app.web.console.chrome import actor, console_page


@post(BASE + "/hand-over", opt=staff("hr", "admin"))
async def hand_over(
    request: Request, position_id: FromPath[int], application_id: FromPath[int]
) -> Template | Redirect:
    try:
        await handover.hand_over(actor(request), application_id, position_id, utcnow())
    except NotFound:
        raise
    except IntakeError as exc:  # not hired, frozen, already handed over, nothing set up
        return await refused(request, position_id, application_id, exc)
    return _back(position_id, application_id, "hand-over", request.url.query)


@get("/console/hris", opt=staff("admin"))
async def delivery_log(request: Request) -> Template:
    return console_page(request, "console/hris.html", rows=await handover.delivery_log())


@post("/console/hris/{reference:str}/retry", opt=staff("admin"))
async def retry(reference: FromPath[str]) -> Redirect:
    try:
        uuid.UUID(reference)
    except ValueError:
        raise NotFound("We could not find that hand-off.") from None
    await handover.retry(reference, utcnow())
    return Redirect("/console/hris", status_code=303)


ROUTES = [hand_over, delivery_log, retry]
