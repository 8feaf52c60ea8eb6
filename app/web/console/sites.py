"""Sites (offices, issue 19 point 5), kept by admins: each site's address, time zone and end
of day, and which kiosks, hosts and reception staff are at it."""

from zoneinfo import available_timezones

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.config import current
from app.errors import ValidationFailed
from app.visits import sites
from app.visits.hosts import all_hosts
from app.visits.kiosks import all_kiosks
from app.web.access import staff
from app.web.console.home import navigation_for
from app.web.forms import first_values, parse_form, text
from app.web.render import page

ADMIN = staff("admin")
TIMEZONES = sorted(available_timezones() - {"localtime", "Factory"})


class SiteForm(msgspec.Struct):
    name: text(120, 1)  # type: ignore[valid-type]
    timezone: text(64, 1)  # type: ignore[valid-type]
    end_of_day: text(5, 1)  # type: ignore[valid-type]
    address: text(1000) = ""  # type: ignore[valid-type]
    chat_webhook: text(500) = ""  # type: ignore[valid-type]


def _fields(data: SiteForm) -> sites.SiteFields:
    return sites.SiteFields(
        data.name, data.address, data.timezone, data.end_of_day, data.chat_webhook
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


async def _list(request: Request, status_code: int = 200, **ctx: object) -> Template:
    settings = current()
    ctx.setdefault("values", {"timezone": settings.timezone, "end_of_day": settings.end_of_day})
    await sites.first_site_id()  # a new installation's first site is there to edit
    return page(
        request,
        "console/sites.html",
        status_code=status_code,
        nav=navigation_for(request.scope["state"]["staff"].role),
        sites=await sites.all_sites(),
        timezones=TIMEZONES,
        **ctx,
    )


@get("/console/sites", opt=ADMIN)
async def site_list(request: Request) -> Template:
    return await _list(request, saved=request.query_params.get("saved") == "1")


@post("/console/sites", opt=ADMIN)
async def site_create(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        site_id = await sites.create_site(_fields(parse_form(form, SiteForm)), utcnow())
    except ValidationFailed as exc:
        return await _list(request, 400, errors=exc.errors, values=form)
    return Redirect(f"/console/sites/{site_id}", status_code=303)


async def _edit(request: Request, site_id: int, status_code: int = 200, **ctx: object) -> Template:
    site = await sites.site_row(site_id)
    ctx.setdefault("values", site)
    ctx.setdefault("assigned", await sites.assignments(site_id))
    return page(
        request,
        "console/site_form.html",
        status_code=status_code,
        nav=navigation_for(request.scope["state"]["staff"].role),
        site=site,
        hosts=await all_hosts(),
        kiosks=await all_kiosks(),
        reception=await sites.reception_staff(),
        timezones=TIMEZONES,
        **ctx,
    )


@get("/console/sites/{site_id:int}", opt=ADMIN)
async def site_page(request: Request, site_id: FromPath[int]) -> Template:
    return await _edit(request, site_id, saved=request.query_params.get("saved") == "1")


@post("/console/sites/{site_id:int}", opt=ADMIN)
async def site_update(request: Request, site_id: FromPath[int]) -> Template | Redirect:
    raw = await request.form()
    form = first_values(raw)
    assigned = sites.Assignments(
        hosts=_ids(raw.getall("hosts", [])),
        kiosks=_ids(raw.getall("kiosks", [])),
        staff=_ids(raw.getall("staff", [])),
    )
    try:
        await sites.update_site(site_id, _fields(parse_form(form, SiteForm)), assigned)
    except ValidationFailed as exc:
        return await _edit(request, site_id, 400, errors=exc.errors, values=form,
                           assigned=assigned)  # fmt: skip
    return Redirect(f"/console/sites/{site_id}?saved=1", status_code=303)


ROUTES = [site_list, site_create, site_page, site_update]
