"""Staff sign-in through the company's identity provider (issue 18.5): the button's start and
the provider's answer. The protocol is app/staff/identity_provider.py; who gets in, and as
what, app/staff/provider_sign_in.py."""

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.config import current
from app.staff.identity_provider import SIGN_IN_TTL, SignInRefused, finish_sign_in, start_sign_in
from app.staff.provider_sign_in import admit
from app.web.access import public
from app.web.console.auth import safe_next, signed_in
from app.web.cookies import expired_cookie, session_cookie
from app.web.render import page

# The state, also in the browser that started the sign-in: an answer brought by another
# browser (a link an attacker made with their own code) is refused (login CSRF).
SSO_COOKIE = "intake_sso_state"
# Refusals: 400 for a broken or replayed answer, 403 for a person Intake does not let in,
# 503 when the provider cannot be reached.
STATUS = {
    "state": 400,
    "code": 400,
    "cancelled": 400,
    "unverified": 403,
    "no_role": 403,
    "disabled": 403,
}


def _refused(request: Request, reason: str) -> Template:
    response = page(
        request, "console/sso_refused.html", status_code=STATUS.get(reason, 503), reason=reason
    )
    response.cookies.append(expired_cookie(SSO_COOKIE))
    return response


@get("/console/login/sso", opt=public())
async def start(request: Request) -> Redirect | Template:
    if not current().identity_provider.enabled:
        raise NotFoundException()
    try:
        url, state = await start_sign_in(safe_next(request.query_params.get("next")), utcnow())
    except SignInRefused as exc:
        return _refused(request, exc.reason)
    cookie = session_cookie(SSO_COOKIE, state, int(SIGN_IN_TTL.total_seconds()))
    return Redirect(url, status_code=303, cookies=[cookie])


@get("/console/login/sso/callback", opt=public())
async def callback(request: Request) -> Redirect | Template:
    if not current().identity_provider.enabled:
        raise NotFoundException()
    query = request.query_params
    if query.get("error"):  # the person cancelled, or the provider refused them
        return _refused(request, "cancelled")
    try:
        claims, id_token, next_url = await finish_sign_in(
            str(query.get("state") or ""),
            str(query.get("code") or ""),
            request.cookies.get(SSO_COOKIE, ""),
            utcnow(),
        )
        staff = await admit(claims, utcnow())
    except SignInRefused as exc:
        return _refused(request, exc.reason)
    # The provider did the second factor: Intake's TOTP step is skipped (docs/operators.md).
    response = await signed_in(request, staff, safe_next(next_url), id_token=id_token)
    response.cookies.append(expired_cookie(SSO_COOKIE))
    return response


ROUTES = [start, callback]
