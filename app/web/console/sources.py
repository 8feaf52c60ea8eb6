"""The apply form's "How did you hear about us?" list, kept by admins (issue 20.5)."""

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.recruiting import sources
from app.web.access import staff
from app.web.console.chrome import actor, console_page
from app.web.forms import first_values, parse_form, text

ADMIN = staff("admin")


class SourceForm(msgspec.Struct):
    label_en: text(80) = ""  # type: ignore[valid-type]
    label_da: text(80) = ""  # type: ignore[valid-type]
    active: bool = False


async def _page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    return console_page(
        request,
        "console/sources.html",
        status_code=status_code,
        sources=await sources.everything(),
        **ctx,
    )


@get("/console/sources", opt=ADMIN)
async def source_list(request: Request) -> Template:
    return await _page(request, saved=request.query_params.get("saved") == "1")


@post("/console/sources", opt=ADMIN)
async def source_add(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, SourceForm)
        await sources.add(actor(request), data.label_en, data.label_da, utcnow())
    except ValidationFailed as exc:
        return await _page(request, 400, errors=exc.errors, values=form)
    return Redirect("/console/sources?saved=1", status_code=303)


@post("/console/sources/{source_id:int}", opt=ADMIN)
async def source_change(request: Request, source_id: FromPath[int]) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, SourceForm)
        await sources.change(
            actor(request), source_id, data.label_en, data.label_da, data.active, utcnow()
        )
    except ValidationFailed as exc:
        return await _page(request, 400, errors=exc.errors, values={})
    return Redirect("/console/sources?saved=1", status_code=303)


ROUTES = [source_list, source_add, source_change]
