"""Objection (Art. 21), complaint (Art. 77), information (Art. 13-15, no profiling) and the
one-click marketing opt-out from a mail."""

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.privacy import candidate_rights as rights
from app.privacy.consent import OPTOUT_LINK
from app.recruiting import my_page
from app.recruiting.positions import markdown_html
from app.web.access import candidate, public
from app.web.forms import first_values, parse_form, text
from app.web.portal.me import candidate_id
from app.web.render import language, page


class RequestForm(msgspec.Struct):
    details: text(2000, 1)  # type: ignore[valid-type]


def _typed(form: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "_csrf_token"}


@get("/me/object", opt=candidate())
async def objection_page(request: Request) -> Template:
    return page(request, "portal/object.html")


@post("/me/object", opt=candidate())
async def object_(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, RequestForm)
    except ValidationFailed as exc:
        return page(
            request, "portal/object.html", status_code=400, errors=exc.errors, values=_typed(form)
        )
    await rights.object_to_processing(
        candidate_id(request), data.details, language(request), utcnow()
    )
    return Redirect("/me?done=objection", status_code=303)


@get("/me/complaint", opt=candidate())
async def complaint_page(request: Request) -> Template:
    return page(request, "portal/complaint.html", authority=rights.authority())


@post("/me/complaint", opt=candidate())
async def complain(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, RequestForm)
    except ValidationFailed as exc:
        return page(
            request,
            "portal/complaint.html",
            status_code=400,
            errors=exc.errors,
            values=_typed(form),
            authority=rights.authority(),
        )
    await rights.complain(candidate_id(request), data.details, language(request), utcnow())
    return Redirect("/me?done=complaint", status_code=303)


@get("/me/information", opt=candidate())
async def information(request: Request) -> Template:
    me = await rights.my_candidate(candidate_id(request))
    info = await my_page.information(me, language(request))
    shown = info["agreed"] or info["current"]
    return page(
        request,
        "portal/information.html",
        me=me,
        info=info,
        body_html=markdown_html(shown.body) if shown else "",
        authority=rights.authority(),
    )


@get("/unsubscribe/{token:str}", opt=public())
async def unsubscribe_page(request: Request, token: FromPath[str]) -> Template:
    await rights.optout_candidate(token, utcnow())
    return page(request, "portal/unsubscribe.html", token=token)


@post("/unsubscribe/{token:str}", opt=public())
async def unsubscribe(request: Request, token: FromPath[str]) -> Template:
    now = utcnow()
    cid = await rights.optout_candidate(token, now)
    await rights.change_consent(
        cid,
        "marketing",
        False,
        language=language(request),
        ip_prefix=request.client.host if request.client else "",
        now=now,
        channel="mail",
        identified_by=OPTOUT_LINK,
    )
    return page(request, "portal/unsubscribe.html", done=True)


ROUTES = [
    objection_page,
    object_,
    complaint_page,
    complain,
    information,
    unsubscribe_page,
    unsubscribe,
]
