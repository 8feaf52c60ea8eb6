"""Visitors' rights (GDPR Art. 15 and 17; policy: "You will be informed about your rights ...
when you are registering yourself into our electronic visit system"). A public page, not on
the kiosk: a visitor asks for a copy or the erasure of their visit records, and the request
lands in the staff's rights-request queue with its one-month deadline."""

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from app import throttle
from app.clock import utcnow
from app.config import current
from app.db import transaction
from app.errors import ValidationFailed
from app.privacy.rights_requests import open_request
from app.web.access import public
from app.web.forms import Email, choice, first_values, parse_form, text
from app.web.render import language, page


class VisitorRightsForm(msgspec.Struct):
    kind: choice("access", "erasure", "objection")  # type: ignore[valid-type]
    name: text(200, 1)  # type: ignore[valid-type]
    email: Email
    visit_date: text(40)  # type: ignore[valid-type]
    details: text(2000) = ""  # type: ignore[valid-type]


@get("/visitor-rights", opt=public())
async def rights_page(request: Request) -> Template:
    return page(
        request,
        "portal/visitor_rights.html",
        sent=request.query_params.get("sent") == "1",
        values={"kind": "access"},
    )


@post("/visitor-rights", opt=public())
async def rights_request(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, VisitorRightsForm)
    except ValidationFailed as exc:
        return page(
            request, "portal/visitor_rights.html", status_code=400, errors=exc.errors, values=form
        )
    details = f"Date of visit: {data.visit_date}\n{data.details}".strip()
    now = utcnow()
    caps = current().caps
    client = request.client.host if request.client else ""  # truncated on arrival
    async with transaction():
        # A public form: capped per requester address and per client (issue 16; 40 posts
        # made 40 requests in the staff queue). Over a cap: a 429 page, nothing stored.
        await throttle.spend(
            [
                (throttle.key("rights-from", data.email), caps.visitor_rights_recipient),
                (throttle.key("rights-client", client), caps.visitor_rights_client),
            ],
            now,
        )
        await open_request(
            data.kind,
            "visitor",
            now,
            name=data.name,
            email=data.email,
            details=details,
            language=language(request),
        )
    # Redirect: a reload must not send the request twice, and the address shows nothing.
    return Redirect("/visitor-rights?sent=1", status_code=303)


ROUTES = [rights_page, rights_request]
