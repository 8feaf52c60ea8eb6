"""The kiosk's JSON API, for a native tablet app: enrol with the pairing code, then call with
`Authorization: Bearer <device credential>`, and nothing else: the tablet's cookie is refused
here (issue 16 item 5). A bearer header is not an ambient credential (a browser never adds
it by itself), so these handlers are excluded from CSRF; the HTML kiosk keeps CSRF on its
cookie-based forms. The OpenAPI document declares the scheme (SECURITY_SCHEMES) on every
operation that needs it, for a native app's client generator. Errors are JSON with a message
per field."""

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import FromQuery, JSONBody

from app.clock import utcnow
from app.errors import Conflict, TooManyAttempts, ValidationFailed
from app.visits.hosts import HostInfo, matching_hosts
from app.visits.kiosks import enrol
from app.visits.phone_sign_out import sign_out_url
from app.visits.visits import PURPOSES, SignIn, sign_in, sign_out_with_code
from app.web.access import kiosk, public
from app.web.badge import qr_svg
from app.web.render import translate
from kiosk.flow import chosen_language, visitor_notice

# Codes, keys and choices: no control characters (NUL cannot even be bound on PostgreSQL).
# Names are checked by the service, which answers with a message for the field.
PLAIN = r"^[^\x00-\x1f\x7f]*$"
Short = Annotated[str, msgspec.Meta(max_length=32, pattern=PLAIN)]

BEARER = "kioskCredential"
SECURITY_SCHEMES = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            description="The device credential from POST /api/kiosk/enrol, as "
            "`Authorization: Bearer <credential>`. The tablet's cookie is not accepted here.",
        )
    }
)
# Every operation but enrolment: a kiosk route that takes the bearer header only.
API = {**kiosk(), "bearer_only": True}
BEARER_ONLY: dict[str, Any] = {"opt": API, "security": [{BEARER: []}], "tags": ["kiosk"]}


class EnrolRequest(msgspec.Struct):
    pairing_code: Short


class EnrolResponse(msgspec.Struct):
    kiosk_id: int
    kiosk_name: str
    credential: str  # send as `Authorization: Bearer <credential>`; shown once


class NoticeResponse(msgspec.Struct):
    notice_id: int
    version: int
    language: str
    title: str
    summary: str
    body_markdown: str


class SignInRequest(msgspec.Struct):
    visitor_name: Annotated[str, msgspec.Meta(max_length=1000)]
    host_id: int
    purpose: Short
    notice_id: int  # the notice version shown to the visitor (GET /api/kiosk/notice)
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=PLAIN)] = "en"
    company: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    submission_id: Annotated[str, msgspec.Meta(max_length=64, pattern=PLAIN)] = ""  # idempotency
    invitation_code: Short = ""


class BadgeResponse(msgspec.Struct):
    visit_ref: str
    first_name: str
    host_name: str
    date: date
    signout_code: str  # typed at the kiosk
    signout_url: str  # the QR code's link: sign-out on the visitor's own phone
    qr_svg: str


class SignOutRequest(msgspec.Struct):
    code: Short


class SignedOut(msgspec.Struct):
    signed_out: bool


class Problem(msgspec.Struct):
    status_code: int
    detail: str
    errors: dict[str, str] = {}


def _problem(
    request: Request, status: int, detail: str, errors: dict[str, str] | None = None
) -> Response:
    translated = {k: translate(request, v) for k, v in (errors or {}).items()}
    return Response(Problem(status, translate(request, detail), translated), status_code=status)


def _specs(ok: type, status: int = 201, *errors: int) -> dict[int, ResponseSpec]:
    """Describe the success body and the JSON error bodies in the OpenAPI document."""
    specs = {status: ResponseSpec(data_container=ok, description="Success")}
    for code in errors:
        specs[code] = ResponseSpec(data_container=Problem, description=_ERRORS[code])
    return specs


_ERRORS = {
    400: "Bad input: `errors` has a message per field, in the request's language",
    403: "Not an enrolled, unrevoked kiosk",
    409: "This submission_id was already used (a replayed form)",
    429: "Too many wrong codes: wait and try again",
    503: "No visitor notice is published",
}


@post(
    "/api/kiosk/enrol",
    opt=public(),
    exclude_from_csrf=True,
    tags=["kiosk"],
    responses=_specs(EnrolResponse, 201, 400, 429),
)
async def api_enrol(request: Request, data: JSONBody[EnrolRequest]) -> Response:
    """Exchange a pairing code (valid 10 minutes, from the console) for the device credential."""
    client = request.client.host if request.client else ""
    try:
        enrolled = await enrol(data.pairing_code, client, utcnow())
    except ValidationFailed as exc:
        return _problem(request, 400, exc.message, exc.errors)
    except TooManyAttempts as exc:
        return _problem(request, 429, exc.message)
    body = EnrolResponse(enrolled.kiosk_id, enrolled.name, enrolled.credential)
    return Response(body, status_code=201)


@get("/api/kiosk/hosts", **BEARER_ONLY, responses={403: ResponseSpec(Problem)})
async def api_hosts(
    request: Request,
    q: FromQuery[Annotated[str, msgspec.Meta(max_length=100)]] = "",
) -> list[HostInfo]:
    """The kiosk's site's active hosts whose name contains `q`, at most 8; none until `q`
    has two letters (a walk-in never receives the list of every employee)."""
    return await matching_hosts(q, request.scope["state"]["kiosk"].site_id)


@get(
    "/api/kiosk/notice",
    **BEARER_ONLY,
    responses=_specs(NoticeResponse, 200, 403, 503),
)
async def api_notice(request: Request, language: FromQuery[str] = "en") -> Response:
    """The current visitor privacy notice; show it before any field, send back its id."""
    lang = chosen_language(request, language)
    notice = await visitor_notice(lang, request.scope["state"]["kiosk"].site_id)
    if notice is None:
        return _problem(request, 503, "Sign-in is not available right now.")
    return Response(
        NoticeResponse(
            notice.id, notice.version, notice.language, notice.title, notice.summary, notice.body
        )
    )


@post(
    "/api/kiosk/sign-in",
    **BEARER_ONLY,
    exclude_from_csrf=True,
    responses=_specs(BadgeResponse, 201, 400, 403, 409, 429),
)
async def api_sign_in(request: Request, data: JSONBody[SignInRequest]) -> Response:
    """Sign a visitor in. Purposes: meeting, interview, delivery, maintenance, event, other."""
    lang = chosen_language(request, data.language)
    form = SignIn(
        visitor_name=data.visitor_name,
        host_id=data.host_id,
        purpose=data.purpose if data.purpose in PURPOSES else "",
        language=lang,
        notice_id=data.notice_id,
        company=data.company,
        submission=data.submission_id,
        invitation_code=data.invitation_code,
        site_id=request.scope["state"]["kiosk"].site_id,
        site_timezone=request.scope["state"]["kiosk"].timezone,  # read with the kiosk
        site_name=request.scope["state"]["kiosk"].site_name,  # so is this
    )
    try:
        badge = await sign_in(form, request.scope["state"]["kiosk"].id, utcnow())
    except ValidationFailed as exc:
        return _problem(request, 400, exc.message, exc.errors)
    except Conflict as exc:
        return _problem(request, 409, exc.message)
    except TooManyAttempts as exc:
        return _problem(request, 429, exc.message)
    url = sign_out_url(badge.signout_code, badge.visit_ref)
    body = BadgeResponse(
        badge.visit_ref,
        badge.first_name,
        badge.host_name,
        badge.date,
        badge.signout_code,
        url,
        str(qr_svg(url)),
    )
    return Response(body, status_code=201)


@post(
    "/api/kiosk/sign-out",
    **BEARER_ONLY,
    exclude_from_csrf=True,
    responses=_specs(SignedOut, 200, 400, 403, 429),
)
async def api_sign_out(request: Request, data: JSONBody[SignOutRequest]) -> Response:
    """Sign out with the badge code. Wrong codes are throttled per kiosk."""
    try:
        await sign_out_with_code(data.code, request.scope["state"]["kiosk"].id, utcnow())
    except ValidationFailed as exc:
        return _problem(request, 400, exc.message, exc.errors)
    except TooManyAttempts as exc:
        return _problem(request, 429, exc.message)
    return Response(SignedOut(signed_out=True), status_code=200)


ROUTES = [api_enrol, api_hosts, api_notice, api_sign_in, api_sign_out]
