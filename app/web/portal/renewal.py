"""The consent-renewal link's page (issue 21.4): the mail's link opens a page with one button
(a mail scanner fetching the link decides nothing); the click records the consent and the
result moves to a page of its own (POST-redirect-GET)."""

from datetime import date

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import NotFound
from app.privacy import consent_renewal
from app.privacy.notices import current_notice
from app.privacy.purposes import PLAIN_WORDS
from app.web.access import public
from app.web.render import language, page


@get("/me/renew/{token:str}", opt=public())
async def renew_page(request: Request, token: FromPath[str]) -> Template:
    try:
        offer = await consent_renewal.offer(token, utcnow())
    except NotFound:
        return page(request, "portal/renew.html", status_code=404, dead=True)
    if not offer["purposes"]:  # already confirmed on their page: nothing left to ask
        return page(request, "portal/renew.html", done=True, until=None)
    notice = await current_notice("candidate", language(request))
    texts = notice.purpose_texts if notice else {}
    return page(
        request,
        "portal/renew.html",
        offer=offer,
        token=token,
        choices=[(PLAIN_WORDS[p], texts.get(p, "")) for p in offer["purposes"]],
    )


@post("/me/renew/{token:str}", opt=public())
async def renew(request: Request, token: FromPath[str]) -> Template | Redirect:
    try:
        until = await consent_renewal.renew(
            token,
            language(request),
            request.client.host if request.client else "",
            utcnow(),
        )
    except NotFound:
        return page(request, "portal/renew.html", status_code=404, dead=True)
    # A date is no personal data on its own; it lets the result page say until when.
    query = f"?until={until.date().isoformat()}" if until else ""
    return Redirect(f"/me/renewed{query}", status_code=303)


@get("/me/renewed", opt=public())
async def renewed(request: Request) -> Template:
    try:
        until: date | None = date.fromisoformat(request.query_params.get("until", ""))
    except ValueError:
        until = None
    return page(request, "portal/renew.html", done=True, until=until)


ROUTES = [renew_page, renew, renewed]
