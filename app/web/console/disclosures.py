"""The disclosure register: hand-overs to authorities with their legal basis (audited)."""

from datetime import UTC, date, datetime, time

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.privacy import disclosures
from app.web.access import staff
from app.web.console.chrome import actor, console_page
from app.web.forms import choice, first_values, parse_form, text


class DisclosureForm(msgspec.Struct):
    subject_kind: choice(*disclosures.SUBJECT_KINDS)  # type: ignore[valid-type]
    subject_ref: text(64, 1)  # type: ignore[valid-type]
    recipient: text(200, 1)  # type: ignore[valid-type]
    legal_basis: text(200, 1)  # type: ignore[valid-type]
    disclosed_on: date
    reference: text(200) = ""  # type: ignore[valid-type]
    description: text(5000) = ""  # type: ignore[valid-type]


async def _page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    return console_page(
        request,
        "console/disclosures.html",
        status_code=status_code,
        rows=await disclosures.register(),
        kinds=disclosures.SUBJECT_KINDS,
        **ctx,
    )


@get("/console/disclosures", opt=staff("hr", "admin"))
async def register(request: Request) -> Template:
    return await _page(
        request,
        saved=request.query_params.get("saved") == "1",
        values={"subject_ref": request.query_params.get("subject", "")[:64]},
    )


@post("/console/disclosures", opt=staff("hr", "admin"))
async def record(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, DisclosureForm)
        await disclosures.record(
            actor(request),
            data.subject_kind,
            data.subject_ref,
            data.recipient,
            data.legal_basis,
            data.reference,
            data.description,
            datetime.combine(data.disclosed_on, time(12), tzinfo=UTC),
            utcnow(),
        )
    except ValidationFailed as exc:
        return await _page(request, status_code=400, errors=exc.errors, values=form)
    return Redirect("/console/disclosures?saved=1", status_code=303)


ROUTES = [register, record]
