"""The page a badge's QR code opens on the visitor's own phone: one tap signs them out.

A GET only shows the button (link previews and prefetching must not sign anyone out); the
POST signs out. Public: the unguessable link is the visitor's proof (app.visits.phone_sign_out).
A wrong, used or expired link is a 404 with the same friendly page."""

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from app.clock import utcnow
from app.visits.phone_sign_out import PATH, sign_out_by_link, visit_for
from app.web.access import public
from app.web.render import page

TEMPLATE = "portal/visit_sign_out.html"


@get(PATH + "{token:str}", opt=public())
async def sign_out_page(request: Request, token: FromPath[str]) -> Template:
    found = await visit_for(token, utcnow())
    if found is None:
        return page(request, TEMPLATE, status_code=404, state="gone")
    return page(request, TEMPLATE, state="ask", visit=found, token=token[:64])


@post(PATH + "{token:str}", opt=public())
async def sign_out(request: Request, token: FromPath[str]) -> Template:
    if not await sign_out_by_link(token, utcnow()):
        return page(request, TEMPLATE, status_code=404, state="gone")
    return page(request, TEMPLATE, state="done")


ROUTES = [sign_out_page, sign_out]
