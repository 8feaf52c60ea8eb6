"""Correction (Art. 16): name and phone, a new e-mail verified before it replaces the old,
each application's cover letter and CV; and restriction (Art. 18) of an application."""

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import NotFound, ValidationFailed
from app.privacy import candidate_rights as rights
from app.recruiting import my_page
from app.web.access import candidate, public
from app.web.forms import Email, first_values, parse_form, text
from app.web.portal.me import candidate_id
from app.web.portal.public import Phone
from app.web.render import page


class DetailsForm(msgspec.Struct):
    full_name: text(200, 1)  # type: ignore[valid-type]
    phone: Phone = ""


class EmailForm(msgspec.Struct):
    email: Email


class LetterForm(msgspec.Struct):
    cover_letter: text(5000) = ""  # type: ignore[valid-type]


def _typed(form: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "_csrf_token"}


async def _correct_page(request: Request, status: int = 200, **ctx: Any) -> Template:
    cid = candidate_id(request)
    me = await rights.my_candidate(cid)
    from app.recruiting.my_page import applications

    ctx.setdefault("values", {"full_name": me["full_name"], "phone": me["phone"]})
    return page(
        request,
        "portal/correct.html",
        status_code=status,
        me=me,
        applications=await applications(me),
        **ctx,
    )


@get("/me/correct", opt=candidate())
async def correct_page(request: Request) -> Template:
    return await _correct_page(request)


@post("/me/details", opt=candidate())
async def correct_details(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, DetailsForm)
    except ValidationFailed as exc:
        return await _correct_page(request, 400, errors=exc.errors, values=_typed(form))
    await rights.correct_details(candidate_id(request), data.full_name, data.phone, utcnow())
    return Redirect("/me?done=corrected", status_code=303)


def _client(request: Request) -> str:
    return request.client.host if request.client else ""  # truncated on arrival


@post("/me/email", opt=candidate())
async def change_email(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, EmailForm)
    except ValidationFailed as exc:
        errors = {"new_email" if k == "email" else k: v for k, v in exc.errors.items()}
        return await _correct_page(request, 400, errors=errors, email_value=form.get("email", ""))
    await rights.request_email_change(candidate_id(request), data.email, utcnow(), _client(request))
    return Redirect("/me?done=email_sent", status_code=303)


@get("/me/email/{token:str}", opt=public())
async def email_link_page(request: Request, token: FromPath[str]) -> Template:
    return page(request, "portal/email_confirm.html", token=token)


@post("/me/email/{token:str}", opt=public())
async def confirm_email(request: Request, token: FromPath[str]) -> Template:
    await rights.confirm_email_change(token, utcnow())
    return page(request, "portal/email_confirm.html", confirmed=True)


@post("/me/applications/{application_id:int}/letter", opt=candidate())
async def correct_letter(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, LetterForm)
    except ValidationFailed as exc:
        await rights.my_application(candidate_id(request), application_id)
        errors = {f"letter-{application_id}": m for m in exc.errors.values()}
        return await _correct_page(request, 400, errors=errors)
    await rights.correct_cover_letter(
        candidate_id(request), application_id, data.cover_letter, utcnow()
    )
    return Redirect("/me?done=corrected", status_code=303)


@post("/me/applications/{application_id:int}/cv", opt=candidate())
async def replace_cv(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    raw = await request.form()
    upload = raw.get("cv")
    name, content = ("", b"")
    if isinstance(upload, UploadFile):
        name, content = upload.filename or "cv", await upload.read()
    try:
        await rights.replace_cv(candidate_id(request), application_id, name, content, utcnow())
    except ValidationFailed as exc:
        return await _correct_page(
            request, 400, errors={f"cv-{application_id}": exc.errors.get("cv", exc.message)}
        )
    return Redirect("/me?done=corrected", status_code=303)


@get("/me/applications/{application_id:int}/restrict", opt=candidate())
async def restrict_page(request: Request, application_id: FromPath[int]) -> Template:
    """What restriction does (Art. 18), and a button to confirm it (issue 21.2)."""
    me = await rights.my_candidate(candidate_id(request))
    mine = [a for a in await my_page.applications(me) if a["id"] == application_id]
    if not mine:
        raise NotFound("We could not find that application.")
    return page(request, "portal/restrict_confirm.html", application=mine[0])


@post("/me/applications/{application_id:int}/restrict", opt=candidate())
async def restrict(request: Request, application_id: FromPath[int]) -> Redirect:
    form = first_values(await request.form())
    restricted = form.get("restricted") == "true"
    await rights.set_restriction(candidate_id(request), application_id, restricted, utcnow())
    return Redirect("/me?done=restriction", status_code=303)


ROUTES = [
    correct_page,
    correct_details,
    change_email,
    email_link_page,
    confirm_email,
    correct_letter,
    replace_cv,
    restrict_page,
    restrict,
]
