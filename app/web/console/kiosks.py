"""The visitor tablets: create one (and read its pairing code once, after a redirect), re-pair,
revoke. Reception sees and acts on the kiosks of its own sites only, by the same rule as its
visitors (app.visits.sites.site_scope); an admin on all of them."""

import secrets

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import Conflict, ValidationFailed
from app.visits import kiosks, pairing_display
from app.visits.sites import site_scope, sites_in_scope
from app.web.access import staff
from app.web.console.home import navigation_for
from app.web.console.reception import actor_of
from app.web.forms import first_values, parse_form, text
from app.web.render import page, translate

DESK = staff("admin", "reception")
PRINT_LAYOUT_LABELS = {
    "none": "No printing",
    "brother62": "62 mm continuous label (Brother QL)",
    "dymo89x36": "89 x 36 mm label (Dymo)",
    "a6": "A6 card",
}


class KioskForm(msgspec.Struct):
    name: text(100, 1)  # type: ignore[valid-type]
    location: text(200) = ""  # type: ignore[valid-type]
    submission: text(64) = ""  # type: ignore[valid-type]
    site_id: int = 0  # one of the staff member's sites; 0: the first of them


async def _my_sites(request: Request) -> list[tuple[int, str]]:
    return [(s["id"], s["name"]) for s in await sites_in_scope(actor_of(request))]


async def _kiosks_page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    site_options = await _my_sites(request)
    ctx.setdefault("values", {})
    ctx["values"].setdefault("site_id", site_options[0][0] if site_options else "")  # type: ignore[attr-defined]
    rows = await kiosks.all_kiosks(await site_scope(actor_of(request)))
    pairing = ctx.get("pairing")
    if isinstance(pairing, kiosks.Pairing):  # its expiry on the clock of the kiosk's site
        zones = {k["id"]: k["site_timezone"] for k in rows}
        ctx["pairing_timezone"] = zones.get(pairing.kiosk_id)
    return page(
        request,
        "console/kiosks_list.html",
        status_code=status_code,
        nav=navigation_for(request.scope["state"]["staff"].role),
        kiosks=rows,
        site_options=site_options,
        submission=secrets.token_urlsafe(18),  # one per rendered form: a resend is refused
        layouts=[(k, translate(request, v)) for k, v in PRINT_LAYOUT_LABELS.items()],
        **ctx,
    )


@get("/console/kiosks", opt=DESK)
async def kiosk_list(request: Request) -> Template:
    """After a create or a re-pair, ?pairing= carries a single-use ticket: the code is shown
    on the first GET only (a reload shows that it was shown, never makes another)."""
    ticket = str(request.query_params.get("pairing") or "")
    me = request.scope["state"]["staff"]
    pairing = await pairing_display.take(ticket, me.id, utcnow()) if ticket else None
    return await _kiosks_page(
        request,
        revoked=request.query_params.get("revoked") == "1",
        pairing=pairing,
        pairing_gone=bool(ticket) and pairing is None,
        already=request.query_params.get("already") == "1",
        printing=request.query_params.get("printing") == "1",
    )


@post("/console/kiosks", opt=DESK)
async def kiosk_create(request: Request) -> Template | Redirect:
    """POST-redirect-GET: the kiosk and its code are made here, the code is shown by the GET."""
    form = first_values(await request.form())
    me = request.scope["state"]["staff"]
    try:
        data = parse_form(form, KioskForm)
        mine = [site_id for site_id, _ in await _my_sites(request)]
        site_id = data.site_id or (mine[0] if mine else 0)
        if site_id not in mine:  # a reception member places tablets at their own sites
            raise ValidationFailed({"site_id": "Choose one of the options."})
        ticket = await pairing_display.create_for_display(
            data.name, data.location, data.submission, me.id, utcnow(), site_id
        )
    except ValidationFailed as exc:
        return await _kiosks_page(request, 400, errors=exc.errors, values=form)
    except Conflict:
        return Redirect("/console/kiosks?already=1", status_code=303)
    return Redirect(f"/console/kiosks?pairing={ticket}", status_code=303)


@post("/console/kiosks/{kiosk_id:int}/pair", opt=DESK)
async def kiosk_pair(request: Request, kiosk_id: FromPath[int]) -> Redirect:
    me = request.scope["state"]["staff"]
    scope = await site_scope(actor_of(request))
    ticket = await pairing_display.new_code_for_display(kiosk_id, me.id, utcnow(), scope)
    return Redirect(f"/console/kiosks?pairing={ticket}", status_code=303)


@post("/console/kiosks/{kiosk_id:int}/print-layout", opt=DESK)
async def kiosk_print_layout(request: Request, kiosk_id: FromPath[int]) -> Redirect:
    form = first_values(await request.form())
    try:
        layout = str(form.get("print_layout", ""))[:16]
        await kiosks.set_print_layout(kiosk_id, layout, await site_scope(actor_of(request)))
    except ValidationFailed:
        return Redirect("/console/kiosks", status_code=303)  # a select offers only valid ones
    return Redirect("/console/kiosks?printing=1", status_code=303)


@post("/console/kiosks/{kiosk_id:int}/revoke", opt=DESK)
async def kiosk_revoke(request: Request, kiosk_id: FromPath[int]) -> Redirect:
    await kiosks.revoke(kiosk_id, utcnow(), await site_scope(actor_of(request)))
    return Redirect("/console/kiosks?revoked=1", status_code=303)


ROUTES = [kiosk_list, kiosk_create, kiosk_pair, kiosk_print_layout, kiosk_revoke]
