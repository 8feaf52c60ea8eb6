"""Staff login, logout, password change, invites and password reset."""

from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import IntakeError, ValidationFailed
from app.staff import password_reset, second_factor, services
from app.staff.identity_provider import sign_out_url
from app.staff.sessions import STAFF_ABSOLUTE, close_session, open_session
from app.web.access import public, staff_pending_password
from app.web.cookies import expired_cookie, session_cookie
from app.web.forms import Email, first_values, parse_form, text
from app.web.guards import STAFF_COOKIE
from app.web.render import language, page

Password = Annotated[str, msgspec.Meta(max_length=1024)]
SECOND_FACTOR_COOKIE = "intake_login_ticket"


class LoginForm(msgspec.Struct):
    email: Email
    password: Password


class PasswordForm(msgspec.Struct):
    current_password: Password
    new_password: Password
    confirm_password: Password


class InviteAcceptForm(msgspec.Struct):
    display_name: text(120)  # type: ignore[valid-type]
    password: Password


class ResetRequestForm(msgspec.Struct):
    email: Email


class ResetForm(msgspec.Struct):
    password: Password


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect after login is a phishing tool."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


def _without_secrets(form: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in form.items() if "password" not in k and isinstance(v, str)}


@get("/console/login", opt=public())
async def login_page(request: Request) -> Template:
    return page(request, "console/login.html", next=safe_next(request.query_params.get("next")))


@post("/console/login", opt=public())
async def login(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    next_url = safe_next(form.get("next"))
    try:
        data = parse_form(form, LoginForm)
        staff = await services.authenticate(
            data.email, data.password, request.client.host if request.client else "", utcnow()
        )
    except ValidationFailed as exc:
        return page(
            request,
            "console/login.html",
            status_code=400,
            errors=exc.errors,
            values=_without_secrets(form),
            next=next_url,
        )
    except (services.LoginFailed, services.ProviderOnly) as exc:
        message = (
            "Wrong e-mail or password."
            if isinstance(exc, services.LoginFailed)
            else "This account signs in with the button above, not with a password."
        )
        return page(
            request,
            "console/login.html",
            status_code=400,
            errors={"form": message},
            values=_without_secrets(form),
            next=next_url,
        )
    if staff["totp_secret"]:
        ticket = await second_factor.start_second_factor(staff["id"], utcnow())
        return Redirect(
            f"/console/login/code?next={quote(next_url)}",
            status_code=303,
            cookies=[session_cookie(SECOND_FACTOR_COOKIE, ticket, 300)],
        )
    return await signed_in(request, staff, next_url)


async def signed_in(
    request: Request, staff: dict[str, Any], next_url: str, id_token: str | None = None
) -> Redirect:
    # A brand-new session id at login; whatever id the browser had is dropped (ASVS 7.2.4).
    await close_session(request.cookies.get(STAFF_COOKIE))
    token = await open_session(utcnow(), staff_id=staff["id"], id_token=id_token)
    target = "/console/password" if staff["must_change_password"] else next_url
    return Redirect(
        target,
        status_code=303,
        cookies=[
            session_cookie(STAFF_COOKIE, token, int(STAFF_ABSOLUTE.total_seconds())),
            expired_cookie(SECOND_FACTOR_COOKIE),
        ],
    )


class CodeForm(msgspec.Struct):
    code: text(12)  # type: ignore[valid-type]


@get("/console/login/code", opt=public())
async def code_page(request: Request) -> Template:
    return page(
        request, "console/login_code.html", next=safe_next(request.query_params.get("next"))
    )


@post("/console/login/code", opt=public())
async def code(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    next_url = safe_next(form.get("next"))
    try:
        data = parse_form(form, CodeForm)
        staff = await second_factor.finish_second_factor(
            request.cookies.get(SECOND_FACTOR_COOKIE, ""), data.code, utcnow()
        )
    except ValidationFailed as exc:
        return page(
            request, "console/login_code.html", status_code=400, errors=exc.errors, next=next_url
        )
    return await signed_in(request, staff, next_url)


@post("/console/logout", opt=staff_pending_password())
async def logout(request: Request) -> Redirect | Template:
    id_token = await close_session(request.cookies.get(STAFF_COOKIE))
    # A session opened through the identity provider also ends there (RP-Initiated Logout).
    # A page that moves on by itself, not a redirect: the CSP's form-action 'self' would stop
    # a form's redirect to another origin.
    provider_url = await sign_out_url(id_token)
    request.scope["state"].pop("staff", None)  # the page no longer shows the signed-in bar
    if provider_url:
        response = page(request, "console/signed_out.html", provider_url=provider_url)
        response.cookies.append(expired_cookie(STAFF_COOKIE))
        return response
    return Redirect("/console/login", status_code=303, cookies=[expired_cookie(STAFF_COOKIE)])


@get("/console/password", opt=staff_pending_password())
async def password_page(request: Request) -> Template:
    return page(request, "console/password.html")


@post("/console/password", opt=staff_pending_password())
async def change_password(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    staff = request.scope["state"]["staff"]
    try:
        data = parse_form(form, PasswordForm)
        if data.new_password != data.confirm_password:
            raise ValidationFailed({"confirm_password": "The two new passwords differ."})
        token = await services.change_password(
            staff.id, data.current_password, data.new_password, utcnow()
        )
    except ValidationFailed as exc:
        return page(request, "console/password.html", status_code=400, errors=exc.errors)
    # The password changed: this browser continues under a fresh id; every other session ends.
    return Redirect(
        "/console?changed=1",
        status_code=303,
        cookies=[session_cookie(STAFF_COOKIE, token, int(STAFF_ABSOLUTE.total_seconds()))],
    )


@get("/console/invite/{token:str}", opt=public())
async def invite_page(request: Request, token: FromPath[str]) -> Template:
    details = await services.invite_details(token, utcnow())
    return page(request, "console/invite.html", invite=details, token=token)


@post("/console/invite/{token:str}", opt=public())
async def accept_invite(request: Request, token: FromPath[str]) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, InviteAcceptForm)
        await services.accept_invite(token, data.display_name, data.password, utcnow())
    except ValidationFailed as exc:
        details = await services.invite_details(token, utcnow())
        return page(
            request,
            "console/invite.html",
            status_code=400,
            errors=exc.errors,
            values=_without_secrets(form),
            invite=details,
            token=token,
        )
    return Redirect("/console/login?joined=1", status_code=303)


@get("/console/reset", opt=public())
async def reset_request_page(request: Request) -> Template:
    return page(request, "console/reset_request.html")


@post("/console/reset", opt=public())
async def reset_request(request: Request) -> Template:
    form = first_values(await request.form())
    try:
        data = parse_form(form, ResetRequestForm)
    except ValidationFailed as exc:
        return page(
            request,
            "console/reset_request.html",
            status_code=400,
            errors=exc.errors,
            values=_without_secrets(form),
        )
    client = request.client.host if request.client else ""  # truncated on arrival
    await password_reset.request_password_reset(data.email, utcnow(), client, language(request))
    return page(request, "console/reset_request.html", sent=True)


@get("/console/reset/{token:str}", opt=public())
async def reset_page(request: Request, token: FromPath[str]) -> Template:
    await services.live_token(token, "password_reset", utcnow())  # a dead link says so at once
    return page(request, "console/reset.html", token=token)


@post("/console/reset/{token:str}", opt=public())
async def reset(request: Request, token: FromPath[str]) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, ResetForm)
        await password_reset.reset_password(token, data.password, utcnow())
    except ValidationFailed as exc:
        return page(request, "console/reset.html", status_code=400, errors=exc.errors, token=token)
    except IntakeError:
        raise
    return Redirect("/console/login?reset=1", status_code=303)


ROUTES = [
    login_page,
    login,
    code_page,
    code,
    logout,
    password_page,
    change_password,
    invite_page,
    accept_invite,
    reset_request_page,
    reset_request,
    reset_page,
    reset,
]
