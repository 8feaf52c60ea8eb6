"""Turning two-factor login (TOTP) on and off for one's own account."""

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.config import current
from app.errors import ValidationFailed
from app.staff import second_factor, totp
from app.tables import StaffMember
from app.web.access import staff
from app.web.console.home import navigation_for
from app.web.forms import first_values, parse_form, text
from app.web.render import page


class EnableForm(msgspec.Struct):
    secret: text(64)  # type: ignore[valid-type]
    code: text(12)  # type: ignore[valid-type]


class DisableForm(msgspec.Struct):
    password: text(1024)  # type: ignore[valid-type]


async def _page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    me = request.scope["state"]["staff"]
    row = await StaffMember.select(StaffMember.totp_secret).where(StaffMember.id == me.id).first()
    enabled = bool(row and row["totp_secret"])
    secret = str(ctx.pop("secret", "")) or totp.new_secret()
    return page(
        request,
        "console/two_factor.html",
        status_code=status_code,
        enabled=enabled,
        secret=secret,
        nav=navigation_for(me.role),
        uri=totp.provisioning_uri(secret, me.email, current().company_name),
        **ctx,
    )


@get("/console/two-factor", opt=staff())
async def two_factor(request: Request) -> Template:
    return await _page(request, done=request.query_params.get("done", ""))


@post("/console/two-factor/enable", opt=staff())
async def enable(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    me = request.scope["state"]["staff"]
    try:
        data = parse_form(form, EnableForm)
        await second_factor.enable_totp(me.id, data.secret, data.code, utcnow())
    except ValidationFailed as exc:
        return await _page(
            request, status_code=400, errors=exc.errors, secret=str(form.get("secret", ""))[:64]
        )
    return Redirect("/console/two-factor?done=on", status_code=303)


@post("/console/two-factor/disable", opt=staff())
async def disable(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    me = request.scope["state"]["staff"]
    try:
        data = parse_form(form, DisableForm)
        await second_factor.disable_totp(me.id, data.password, utcnow())
    except ValidationFailed as exc:
        return await _page(request, status_code=400, errors=exc.errors)
    return Redirect("/console/two-factor?done=off", status_code=303)


ROUTES = [two_factor, enable, disable]
