"""Candidates come back through an e-mailed, single-use sign-in link (README "Candidates").
The link opens a page with a button: a mail scanner that fetches the link does not use it up."""

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.db import transaction
from app.errors import NotFound, ValidationFailed
from app.recruiting.signin import (
    SIGNIN,
    known_link,
    live,
    request_signin,
    request_signin_again,
    use,
)
from app.staff.sessions import CANDIDATE_ABSOLUTE, close_session, open_session
from app.web.access import candidate, public
from app.web.cookies import expired_cookie, session_cookie
from app.web.forms import Email, first_values, parse_form
from app.web.guards import CANDIDATE_COOKIE
from app.web.portal.csrf import fresh_token
from app.web.render import page


class SigninForm(msgspec.Struct):
    email: Email


@get("/me/signin", opt=public())
async def signin_page(request: Request) -> Template:
    return page(request, "portal/signin.html")


@post("/me/signin", opt=public())
async def ask_for_link(request: Request) -> Template:
    form = first_values(await request.form())
    previous = str(form.get("previous") or "")
    if previous:  # "send me a new link" from a used or expired one (issue 21.3)
        async with transaction():
            await request_signin_again(previous, utcnow())
        return page(request, "portal/signin.html", sent=True, again=True)
    try:
        data = parse_form(form, SigninForm)
    except ValidationFailed as exc:
        return page(
            request,
            "portal/signin.html",
            status_code=400,
            errors=exc.errors,
            values={"email": form.get("email", "")},
        )
    async with transaction():
        await request_signin(data.email, utcnow())
    # The same answer whether or not the address is known (no account enumeration).
    return page(request, "portal/signin.html", sent=True)


async def _dead_link(request: Request, token: str) -> Template:
    """A used or expired link is still a way on (issue 21.3): one button mails a new link to
    the same person; a link we no longer know asks for the e-mail. Still a 404."""
    cookies = fresh_token(request) if request.method == "POST" else []
    previous = token[:200] if await known_link(token) else ""
    response = page(request, "portal/signin.html", status_code=404, dead=True, previous=previous)
    response.cookies.extend(cookies)
    return response


@get("/me/signin/{token:str}", opt=public())
async def link_page(request: Request, token: FromPath[str]) -> Template:
    try:
        await live(token, SIGNIN, utcnow())
    except NotFound:
        return await _dead_link(request, token)
    return page(request, "portal/signin_confirm.html", token=token)


@post("/me/signin/{token:str}", opt=public())
async def sign_in(request: Request, token: FromPath[str]) -> Redirect | Template:
    now = utcnow()
    try:
        async with transaction():
            row = await use(token, SIGNIN, now)
            session = await open_session(now, candidate_id=row["candidate"])
    except NotFound:
        return await _dead_link(request, token)
    # A new session id at every sign-in; whatever the browser had is dropped (ASVS 7.2.4).
    await close_session(request.cookies.get(CANDIDATE_COOKIE))
    cookie = session_cookie(CANDIDATE_COOKIE, session, int(CANDIDATE_ABSOLUTE.total_seconds()))
    return Redirect("/me", status_code=303, cookies=[cookie])


@post("/me/signout", opt=candidate())
async def sign_out(request: Request) -> Redirect:
    await close_session(request.cookies.get(CANDIDATE_COOKIE))
    return Redirect("/", status_code=303, cookies=[expired_cookie(CANDIDATE_COOKIE)])


ROUTES = [signin_page, ask_for_link, link_page, sign_in, sign_out]
