"""Walk-ins at the desk (issue 19, point 3): reception signs a visitor in from the console,
through the same service as the kiosk (app.visits.visits.sign_in, one way to sign a visitor
in). Policy: visitors are "informed about [their] rights ... when ... registering": the
receptionist shows or hands over the visitor notice first and confirms it, and in which
language; the visit records the channel "desk" and that notice's version. A badge prints as
at the kiosk, and the visitor is on the evacuation list at once (on site is simply "not
signed out")."""

import secrets

import msgspec
from litestar import Request, get, post
from litestar.response import Template

from app.clock import utcnow
from app.config import current
from app.errors import Conflict, ValidationFailed
from app.privacy.notices import current_notice
from app.recruiting.positions import markdown_html
from app.visits.host_mail import PURPOSE_LABELS
from app.visits.hosts import active_hosts
from app.visits.kiosks import PRINT_LAYOUTS
from app.visits.sites import sites_in_scope
from app.visits.visits import PURPOSES, SignIn, sign_in
from app.web.access import staff
from app.web.badge import badge_values
from app.web.console.home import navigation_for
from app.web.console.kiosks import PRINT_LAYOUT_LABELS
from app.web.console.reception import actor_of
from app.web.forms import choice, first_values, parse_form, text
from app.web.i18n import LANGUAGE_NAMES
from app.web.render import language, page, translate

DESK = staff("admin", "reception")
DEFAULT_LAYOUT = "a6"  # any office printer takes an A6 card


class WalkInForm(msgspec.Struct):
    visitor_name: text(200, 1)  # type: ignore[valid-type]
    host_id: int
    purpose: choice(*PURPOSES)  # type: ignore[valid-type]
    language: choice("en", "da")  # type: ignore[valid-type]
    notice_given: bool
    company: text(200) = ""  # type: ignore[valid-type]
    print_layout: choice(*PRINT_LAYOUTS) = DEFAULT_LAYOUT  # type: ignore[valid-type]
    submission: text(64) = ""  # type: ignore[valid-type]
    site_id: int = 0  # one of the receptionist's sites


async def _notices(site_id: int) -> list[dict]:
    """The notice of the site the walk-in is signed in at, in each language: its own, else
    the shared one; the visit records the same one (walk_in's current_notice)."""
    shown = []
    for lang in current().languages:
        notice = await current_notice("visitor", lang, site_id)
        if notice is not None and notice.language == lang:
            shown.append({"notice": notice, "body": markdown_html(notice.body)})
    return shown


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


async def _form(request: Request, status_code: int = 200, **ctx: object) -> Template:
    """The form for one site: its notice first, then its hosts. A receptionist of several
    sites picks the site before anything else (the notice shown depends on it); of one site,
    that one, with no choice shown."""
    values: dict = ctx.setdefault("values", {})  # type: ignore[assignment]
    values.setdefault("language", language(request))
    values.setdefault("print_layout", DEFAULT_LAYOUT)
    site_options = [(s["id"], s["name"]) for s in await sites_in_scope(actor_of(request))]
    chosen = _int(values.get("site_id") or request.query_params.get("site"))
    if len(site_options) == 1:
        chosen = site_options[0][0]
    site = next((s for s in site_options if s[0] == chosen), None)
    nav = navigation_for(request.scope["state"]["staff"].role)
    if site is None:  # several sites (or none): which one comes first
        return page(request, "console/walk_in_site.html", status_code=status_code, nav=nav,
                    site_options=site_options)  # fmt: skip
    values["site_id"] = site[0]
    return page(
        request,
        "console/walk_in.html",
        status_code=status_code,
        nav=nav,
        site=site,
        many_sites=len(site_options) > 1,
        notices=await _notices(site[0]),
        host_options=[("", "—"), *[(h.id, h.name) for h in await active_hosts((site[0],))]],
        purpose_options=[(p, translate(request, PURPOSE_LABELS[p])) for p in PURPOSES],
        language_options=[(c, LANGUAGE_NAMES.get(c, c)) for c in current().languages],
        layout_options=[(k, translate(request, v)) for k, v in PRINT_LAYOUT_LABELS.items()],
        submission=secrets.token_urlsafe(18),  # one per rendered form: a resend is refused
        **ctx,
    )


@get("/console/reception/walk-in", opt=DESK)
async def walk_in_form(request: Request) -> Template:
    return await _form(request)


@post("/console/reception/walk-in", opt=DESK)
async def walk_in(request: Request) -> Template:
    form = first_values(await request.form())
    me = request.scope["state"]["staff"]
    try:
        data = parse_form(form, WalkInForm)
        if not data.notice_given:
            raise ValidationFailed({"notice_given": "Show or hand over the privacy notice first."})
        notice = await current_notice("visitor", data.language, data.site_id)
        if notice is None:
            raise ValidationFailed({"form": "No visitor notice is published."})
        visit = SignIn(
            visitor_name=data.visitor_name,
            host_id=data.host_id,
            purpose=data.purpose,
            language=notice.language,
            notice_id=notice.id,
            company=data.company,
            submission=data.submission,
            channel="desk",
            site_id=data.site_id,
        )
        badge = await sign_in(visit, None, utcnow(), actor_of(request))
    except ValidationFailed as exc:
        errors = dict(exc.errors)
        if "host" in errors:  # the service names the host; the form's field is host_id
            errors["host_id"] = errors.pop("host")
        return await _form(request, 400, errors=errors, values=form)
    except Conflict:
        again = {"site_id": form.get("site_id")}  # the same site's form, emptied
        return await _form(
            request, 409, errors={"form": "This form was already sent."}, values=again
        )
    shown = {**badge_values(badge, language(request)), "print_layout": data.print_layout}
    return page(request, "console/walk_in_badge.html", nav=navigation_for(me.role), **shown)


ROUTES = [walk_in_form, walk_in]
