"""The link mailed to a known address when someone applies with it (issue 16): the owner sees
what was sent and confirms it (the choices are then recorded in their name, and the link opens
their page like a sign-in link) or erases it. A page with buttons, as for sign-in: a mail
scanner that fetches the link neither uses it up nor gives consent."""

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.db import transaction
from app.privacy.notices import current_notice
from app.recruiting import confirmation
from app.staff.sessions import CANDIDATE_ABSOLUTE, close_session, open_session
from app.web.access import public
from app.web.cookies import session_cookie
from app.web.forms import first_values
from app.web.guards import CANDIDATE_COOKIE
from app.web.render import language, page


@get("/me/confirm/{token:str}", opt=public())
async def confirm_page(request: Request, token: FromPath[str]) -> Template:
    held = await confirmation.held_for(token, utcnow())
    notice = await current_notice("candidate", language(request))
    return page(
        request,
        "portal/confirm_application.html",
        token=token,
        held=held,
        notice=notice,
        hours=confirmation.hours(),
    )


@post("/me/confirm/{token:str}", opt=public())
async def decide(request: Request, token: FromPath[str]) -> Template | Redirect:
    now = utcnow()
    form = first_values(await request.form())
    if form.get("decision") != "confirm":
        await confirmation.discard(token, now)
        return page(request, "portal/confirm_application.html", discarded=True)
    ip_prefix = request.client.host if request.client else ""
    candidate_id = await confirmation.confirm(token, language(request), ip_prefix, now)
    # The link proved control of the mailbox, as a sign-in link does: it opens their page,
    # with a new session id (ASVS 7.2.4).
    async with transaction():
        session = await open_session(now, candidate_id=candidate_id)
    await close_session(request.cookies.get(CANDIDATE_COOKIE))
    cookie = session_cookie(CANDIDATE_COOKIE, session, int(CANDIDATE_ABSOLUTE.total_seconds()))
    return Redirect("/me?done=confirmed", status_code=303, cookies=[cookie])


ROUTES = [confirm_page, decide]
