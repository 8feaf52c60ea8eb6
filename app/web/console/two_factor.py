"""Turning two-factor login (TOTP) on and off for one's own account."""

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.config import current
from app.errors import ValidationFailed
from app.staff import second_factor, totp
from app.staff.sessions import STAFF_ABSOLUTE
from app.tables import StaffMember
from app.web.access import staff
from app.web.console.home import navigation_for
from app.web.cookies import session_cookie
from app.web.forms import first_values, parse_form, text
from app.web.guards import STAFF_COOKIE
from app.web.render import page


class EnableForm(msgspec.Struct):
    secret: text(64)  # type: ignore[valid-type]
    code: text(12)  # type: ignore[valid-type]
    password: text(1024)  # type: ignore[valid-type]
    current_code: text(12) = ""  # type: ignore[valid-type]  # needed when replacing a key


class DisableForm(msgspec.Struct):
    password: text(1024)  # type: ignore[valid-type]
    current_code: text(12)  # type: ignore[valid-type]


def _rotated(target: str, token: str) -> Redirect:
    """Two-factor login changed: this browser continues under a new session id, every other
    session of the account has ended (issue 16)."""
    return Redirect(
        target,
        status_code=303,
        cookies=[session_cookie(STAFF_COOKIE, token, int(STAFF_ABSOLUTE.total_seconds()))],
    )


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
    return await _page(
        request,
        done=request.query_params.get("done", ""),
        replace=request.query_params.get("replace") == "1",
    )


@post("/console/two-factor/enable", opt=staff())
async def enable(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    me = request.scope["state"]["staff"]
    try:
        data = parse_form(form, EnableForm)
        token = await second_factor.enable_totp(
            me.id, data.secret, data.code, data.password, data.current_code, utcnow()
        )
    except ValidationFailed as exc:
        return await _page(
            request,
            status_code=400,
            errors=exc.errors,
            secret=str(form.get("secret", ""))[:64],
            replace=True,
        )
    return _rotated("/console/two-factor?done=on", token)


@post("/console/two-factor/disable", opt=staff())
async def disable(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    me = request.scope["state"]["staff"]
    try:
        data = parse_form(form, DisableForm)
        token = await second_factor.disable_totp(me.id, data.password, data.current_code, utcnow())
    except ValidationFailed as exc:
        return await _page(request, status_code=400, errors=exc.errors)
    return _rotated("/console/two-factor?done=off", token)


ROUTES = [two_factor, enable, disable]
