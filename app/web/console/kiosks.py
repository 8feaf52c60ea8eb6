"""The visitor tablets: create one (and read its pairing code once), re-pair, revoke."""

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.visits import kiosks
from app.visits.local_time import local_time
from app.web.access import staff
from app.web.console.home import navigation_for
from app.web.forms import first_values, parse_form, text
from app.web.render import page

DESK = staff("admin", "reception")


class KioskForm(msgspec.Struct):
    name: text(100, 1)  # type: ignore[valid-type]
    location: text(200) = ""  # type: ignore[valid-type]


async def _kiosks_page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    return page(
        request,
        "console/kiosks_list.html",
        status_code=status_code,
        nav=navigation_for(request.scope["state"]["staff"].role),
        kiosks=await kiosks.all_kiosks(),
        hm=local_time,
        **ctx,
    )


@get("/console/kiosks", opt=DESK)
async def kiosk_list(request: Request) -> Template:
    return await _kiosks_page(request, revoked=request.query_params.get("revoked") == "1")


@post("/console/kiosks", opt=DESK)
async def kiosk_create(request: Request) -> Template:
    """The code is shown on this answer only (it is stored as a keyed hash)."""
    form = first_values(await request.form())
    try:
        data = parse_form(form, KioskForm)
        pairing = await kiosks.create_kiosk(data.name, data.location, utcnow())
    except ValidationFailed as exc:
        return await _kiosks_page(request, 400, errors=exc.errors, values=form)
    return await _kiosks_page(request, pairing=pairing)


@post("/console/kiosks/{kiosk_id:int}/pair", opt=DESK)
async def kiosk_pair(request: Request, kiosk_id: FromPath[int]) -> Template:
    pairing = await kiosks.new_pairing_code(kiosk_id, utcnow())
    return await _kiosks_page(request, pairing=pairing)


@post("/console/kiosks/{kiosk_id:int}/revoke", opt=DESK)
async def kiosk_revoke(request: Request, kiosk_id: FromPath[int]) -> Redirect:
    await kiosks.revoke(kiosk_id, utcnow())
    return Redirect("/console/kiosks?revoked=1", status_code=303)


ROUTES = [kiosk_list, kiosk_create, kiosk_pair, kiosk_revoke]
