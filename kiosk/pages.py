"""The kiosk's screens: welcome -> language -> privacy notice -> details (or invitation
code) -> confirm -> badge; and sign-out with the badge code.

State between steps travels in hidden form fields, never in browser storage. Pages that
carry personal data are answers to POSTs (not cacheable: no-store on every kiosk page) and
kiosk.js replaces their history entry; what a GET shows is never personal."""

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import Conflict, TooManyAttempts, ValidationFailed
from app.visits import preregistration
from app.visits.hosts import MIN_TYPED, HostInfo, chosen_host, matching_hosts
from app.visits.kiosks import device, enrol
from app.visits.visits import DELIVERY, PURPOSES, Badge, review, sign_in, sign_out_with_code
from app.web.access import kiosk, public
from app.web.badge import badge_values
from app.web.forms import first_values, form_fields, parse_form
from app.web.render import language as page_language
from app.web.render import page
from app.web.slotted import slotted_page
from kiosk.device import credential_from, device_cookie
from kiosk.flow import (
    VisitorForm,
    chosen_language,
    new_submission,
    notice_html,
    to_sign_in,
    visitor_notice,
)

TOO_MANY = "Too many attempts. Please wait a little and try again."


def _scanning(request: Request, template: str, status: int = 200, **ctx: Any) -> Template:
    """A screen that offers the camera scan (invitation, sign-out: issue 19.2, 19.9), whichever
    route answers with it, error re-renders included: the Permissions-Policy lets this origin
    use the camera on this response only (app.web.middleware). A flag of the response, not of
    the route: a failed invitation sign-in re-renders the invitation screen from /sign-in."""
    request.scope["state"]["camera"] = True
    return page(request, template, status_code=status, **ctx)


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


@get("/kiosk", opt=public())
async def home(request: Request) -> Template:
    """An enrolled tablet sees the welcome screen; anything else sees only the pairing form."""
    chosen_language(request, request.query_params.get("language"))
    found = await device(credential_from(request), utcnow())
    if found is None:
        return page(request, "kiosk/pair.html")
    return page(request, "kiosk/welcome.html")


@post("/kiosk/pair", opt=public())
async def pair(request: Request) -> Template | Redirect:
    chosen_language(request, None)
    form = first_values(await request.form())
    code = str(form.get("code", ""))[:64]
    try:
        enrolled = await enrol(code, _client(request), utcnow())
    except ValidationFailed as exc:
        return page(request, "kiosk/pair.html", status_code=400, errors=exc.errors)
    except TooManyAttempts:
        return page(request, "kiosk/pair.html", status_code=429, errors={"code": TOO_MANY})
    return Redirect("/kiosk", status_code=303, cookies=[device_cookie(enrolled.credential)])


@get("/kiosk/language", opt=kiosk())
async def language(request: Request) -> Template:
    after = "sign-out" if request.query_params.get("next") == "sign-out" else "notice"
    chosen_language(request, None)
    return page(request, "kiosk/language.html", after=after)


@get("/kiosk/notice", opt=kiosk())
async def notice(request: Request) -> Template:
    lang = chosen_language(request, request.query_params.get("language"))
    shown = await visitor_notice(lang, _site(request))
    if shown is None:
        return page(request, "kiosk/message.html", status_code=503, message="no_notice")
    return page(request, "kiosk/notice.html", notice=shown, body=notice_html(shown))


def _site(request: Request) -> int:
    """The kiosk's site: its hosts, its notice, its visitors."""
    return int(request.scope["state"]["kiosk"].site_id)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


async def _details(request: Request, values: dict, status: int = 200, **ctx: Any) -> Template:
    lang = chosen_language(request, values.get("language"))
    values = {**values, "language": lang, "submission": values.get("submission") or ""}
    values["submission"] = values["submission"] or new_submission()
    return page(
        request,
        "kiosk/details.html",
        status_code=status,
        values=values,
        hosts=await chosen_host(_int(values.get("host_id")), _site(request)),  # the one chosen
        min_typed=MIN_TYPED,
        purposes=PURPOSES,
        **ctx,
    )


@get("/kiosk/details", opt=kiosk())
async def details(request: Request) -> Template:
    """Reached from "I have read this": the notice id travels on to the stored visit."""
    notice_id = _int(request.query_params.get("notice"))
    language_ = request.query_params.get("language")
    return await _details(request, {"notice_id": str(notice_id), "language": language_})


@get("/kiosk/hosts", opt=kiosk())
async def host_matches(request: Request) -> list[HostInfo]:
    """The hosts matching what the visitor typed (two letters at least), for kiosk.js."""
    return await matching_hosts(str(request.query_params.get("q") or "")[:100], _site(request))


@post("/kiosk/edit", opt=kiosk())
async def edit(request: Request) -> Template:
    """Back from the confirm screen with what was typed (hidden fields, not storage)."""
    form = first_values(await request.form())
    return await _details(request, _visible(form))


def _visible(form: dict) -> dict:
    keys = ("visitor_name", "company", "host_id", "purpose", "notice_id", "language")
    shown = {k: str(form.get(k, ""))[:1000] for k in keys} | {"submission": form.get("submission")}
    if shown["purpose"] == DELIVERY:  # never the courier's name, not even typed back
        shown["visitor_name"] = ""
    return shown


@post("/kiosk/confirm", opt=kiosk())
async def confirm(request: Request) -> Template:
    form = first_values(await request.form())
    lang = chosen_language(request, form.get("language"))
    try:
        data = to_sign_in(parse_form(form, VisitorForm), lang, _site(request))
        host_name = await review(data)
    except ValidationFailed as exc:
        return await _details(request, _visible(form), 400, errors=exc.errors)
    return page(request, "kiosk/confirm.html", visit=data, host_name=host_name)


@post("/kiosk/sign-in", opt=kiosk())
async def do_sign_in(request: Request) -> Template | Response[str]:
    form = await form_fields(request)
    lang = chosen_language(request, form.get("language"))
    try:
        kiosk_ = request.scope["state"]["kiosk"]  # its site's zone came with it: no query
        data = to_sign_in(
            parse_form(form, VisitorForm), lang, kiosk_.site_id, kiosk_.timezone, kiosk_.site_name
        )
        badge = await sign_in(data, request.scope["state"]["kiosk"].id, utcnow())
    except ValidationFailed as exc:
        if form.get("invitation_code"):
            return _scanning(
                request,
                "kiosk/invitation.html",
                400,
                errors=exc.errors,
                values={"notice_id": form.get("notice_id", "")},
            )
        return await _details(request, _visible(form), 400, errors=exc.errors)
    except Conflict:
        return page(request, "kiosk/message.html", status_code=409, message="replayed")
    except TooManyAttempts:
        return page(request, "kiosk/message.html", status_code=429, message="too_many")
    if data.purpose == DELIVERY:  # no badge: the courier leaves (issue 19.8)
        return page(request, "kiosk/message.html", message="delivery", host_name=badge.host_name)
    return badge_page(request, badge)


def badge_page(request: Request, badge: Badge) -> Response[str]:
    """The answer to every sign-in: rendered once per language, filled per visit (bench B1).
    A kiosk set to print opens the print dialogue by itself (kiosk.js, data-print)."""
    layout = request.scope["state"]["kiosk"].print_layout
    return slotted_page(
        request,
        "kiosk/badge.html",
        {**badge_values(badge, page_language(request)), "print_layout": layout},
    )


@get("/kiosk/invitation", opt=kiosk())
async def invitation_page(request: Request) -> Template:
    chosen_language(request, request.query_params.get("language"))
    notice_id = _int(request.query_params.get("notice"))
    return _scanning(request, "kiosk/invitation.html", values={"notice_id": str(notice_id)})


@post("/kiosk/invitation", opt=kiosk())
async def invitation(request: Request) -> Template:
    form = first_values(await request.form())
    chosen_language(request, form.get("language"))
    code = str(form.get("invitation_code", ""))[:32]
    notice_id = str(_int(form.get("notice_id")))
    try:
        kiosk_id = request.scope["state"]["kiosk"].id
        shown = await preregistration.invitation(code, kiosk_id, utcnow(), _site(request))
    except ValidationFailed as exc:
        return _scanning(
            request,
            "kiosk/invitation.html",
            400,
            errors=exc.errors,
            values={"notice_id": notice_id},
        )
    except TooManyAttempts:
        return _scanning(
            request,
            "kiosk/invitation.html",
            429,
            errors={"invitation_code": TOO_MANY},
            values={"notice_id": notice_id},
        )
    return page(
        request,
        "kiosk/confirm.html",
        invitation=shown,
        code=code,
        notice_id=notice_id,
        submission=new_submission(),
    )


@get("/kiosk/sign-out", opt=kiosk())
async def sign_out_page(request: Request) -> Template:
    chosen_language(request, request.query_params.get("language"))
    return _scanning(request, "kiosk/sign_out.html")


@post("/kiosk/sign-out", opt=kiosk())
async def sign_out(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    lang = chosen_language(request, form.get("language"))
    code = str(form.get("code", ""))[:32]
    try:
        await sign_out_with_code(code, request.scope["state"]["kiosk"].id, utcnow())
    except ValidationFailed as exc:
        return _scanning(request, "kiosk/sign_out.html", 400, errors=exc.errors)
    except TooManyAttempts:
        return _scanning(request, "kiosk/sign_out.html", 429, errors={"code": TOO_MANY})
    return Redirect(f"/kiosk/goodbye?language={lang}", status_code=303)


@get("/kiosk/goodbye", opt=kiosk())
async def goodbye(request: Request) -> Template:
    chosen_language(request, request.query_params.get("language"))
    return page(request, "kiosk/message.html", message="signed_out")


ROUTES = [
    home,
    pair,
    language,
    notice,
    details,
    host_matches,
    edit,
    confirm,
    do_sign_in,
    invitation_page,
    invitation,
    sign_out_page,
    sign_out,
    goodbye,
]
