"""Reception's desk: who is on site now, who is expected today, sign-out, the evacuation
list, the visit log (whatever the retention sweep has not erased yet) and pre-registration."""

from datetime import date

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.config import current
from app.errors import ValidationFailed
from app.privacy.audit import Actor
from app.visits import on_site, preregistration
from app.visits.host_mail import PURPOSE_LABELS
from app.visits.hosts import active_hosts, hosts_by_site
from app.visits.local_time import local_date
from app.visits.sites import sites_in_scope
from app.visits.visits import PURPOSES, sign_out_by_reception
from app.web.access import staff
from app.web.console.home import navigation_for
from app.web.forms import Email, choice, first_values, parse_form, text
from app.web.render import language, page, translate

DESK = staff("admin", "reception")


class ExpectedForm(msgspec.Struct):
    visitor_name: text(200, 1)  # type: ignore[valid-type]
    visitor_email: Email
    host_id: int
    expected_on: str
    company: text(200) = ""  # type: ignore[valid-type]
    purpose: choice(*PURPOSES) = "meeting"  # type: ignore[valid-type]
    language: str = ""  # of the invitation mail; one of the languages offered
    site_id: int = 0  # where the visitor is expected: one of the reader's sites


def actor_of(request: Request) -> Actor:
    me = request.scope["state"]["staff"]
    return Actor(kind="staff", id=me.id, role=me.role)


async def site_choices(mine: list[dict]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The reader's sites (sites_in_scope) and their active hosts, for a form's selects
    (issue 19.5)."""
    hosts = await active_hosts(tuple(s["id"] for s in mine))
    return [(s["id"], s["name"]) for s in mine], [(h.id, h.name) for h in hosts]


def _chosen_site(values: object, days: dict[int, str]) -> int | None:
    """The site the form is for: the one sent back with an error, else the first offered."""
    sent = values.get("site_id") if isinstance(values, dict) else None
    if sent and str(sent).isdigit() and int(sent) in days:
        return int(sent)
    return next(iter(days), None)


async def _desk(request: Request, status_code: int = 200, **ctx: object) -> Template:
    now = utcnow()
    here, expected = await on_site.desk(actor_of(request), now)
    mine = await sites_in_scope(actor_of(request))
    site_options, host_options = await site_choices(mine)
    # The host select shows the chosen site's hosts only (reception.js); the service checks
    # the host is at the site whatever the browser sent.
    site_hosts = await hosts_by_site(tuple(s["id"] for s in mine))
    # An invitation's default date is its site's today, not the company's (issue 19.5).
    days = preregistration.site_days(mine, now)
    chosen = _chosen_site(ctx.get("values"), days)
    return page(
        request,
        "console/reception_desk.html",
        status_code=status_code,
        nav=navigation_for(request.scope["state"]["staff"].role),
        day=local_date,
        now=now,
        on_site=here,
        expected=expected,
        host_options=[("", "—"), *host_options],  # reception chooses; none is assumed
        site_options=site_options,
        purpose_options=[(p, translate(request, PURPOSE_LABELS[p])) for p in PURPOSES],
        today=days[chosen] if chosen is not None else local_date(now).isoformat(),
        site_days={str(k): v for k, v in days.items()},
        site_hosts={str(k): v for k, v in site_hosts.items()},
        **ctx,
    )


@get("/console/reception", opt=DESK)
async def desk(request: Request) -> Template:
    return await _desk(request, done=request.query_params.get("done", ""))


@post("/console/reception/visits/{visit_id:int}/sign-out", opt=DESK)
async def sign_out(request: Request, visit_id: FromPath[int]) -> Redirect:
    await sign_out_by_reception(visit_id, actor_of(request), utcnow())
    return Redirect("/console/reception?done=signed_out", status_code=303)


@post("/console/reception/expected", opt=DESK)
async def expect(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, ExpectedForm)
        try:
            day = date.fromisoformat(data.expected_on)
        except ValueError:
            raise ValidationFailed({"expected_on": "Enter a date."}) from None
        await preregistration.preregister(
            preregistration.Expected(
                visitor_name=data.visitor_name,
                visitor_email=data.visitor_email,
                host_id=data.host_id,
                expected_on=day,
                company=data.company,
                purpose=data.purpose,
                language=data.language
                if data.language in current().languages
                else language(request),
                site_id=data.site_id,
            ),
            request.scope["state"]["staff"].id,
            utcnow(),
            actor_of(request),
        )
    except ValidationFailed as exc:
        return await _desk(request, 400, errors=exc.errors, values=form)
    return Redirect("/console/reception?done=expected", status_code=303)


@get("/console/reception/evacuation", opt=DESK)
async def evacuation(request: Request) -> Template:
    now = utcnow()
    mine = await sites_in_scope(actor_of(request))
    return page(
        request,
        "console/reception_evacuation.html",
        nav=navigation_for(request.scope["state"]["staff"].role),
        day=local_date,
        on_site=await on_site.evacuation_list(actor_of(request), now),
        many_sites=len(mine) > 1,
        printed_at=now,
        printed_zone=mine[0]["timezone"] if len(mine) == 1 else None,  # that office's clock
    )


@get("/console/reception/log", opt=DESK)
async def log(request: Request) -> Template:
    search = (request.query_params.get("q") or "")[:100]
    return page(
        request,
        "console/reception_log.html",
        nav=navigation_for(request.scope["state"]["staff"].role),
        day=local_date,
        visits=await on_site.visit_log(actor_of(request), utcnow(), search),
        many_sites=len(await sites_in_scope(actor_of(request))) > 1,
        q=search,
        limit=on_site.LOG_LIMIT,
    )


ROUTES = [desk, sign_out, expect, evacuation, log]
