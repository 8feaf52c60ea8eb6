"""Route-by-caller matrix (issue 7 item 1; SECURITY.md "Deny by default").

The routes come from the app's own route list, so a new route cannot slip in unguarded: a route
that is not in EXPECTED fails. For every route and every caller the expected outcome is stated
once, in EXPECTED below. Outcomes are what the caller sees, not what the handler does next:

  ok      the guard let the call through (2xx, 400 for an empty form, a redirect elsewhere...)
  login   sent to sign in (303 to /console/login or /me/signin, or 401 for JSON)
  deny    403
  missing 404 (candidate A's objects asked for by candidate B, or a dead token)

Every unsafe call carries a valid CSRF token, so what is measured is the access rule, not CSRF.
Each route gets a fresh world (two candidates with an application and a CV each, a position,
staff of each role, an enrolled and a revoked kiosk) and a fresh session before every unsafe call."""

import re
from typing import Any

import httpx
import pytest

from app.clock import utcnow
from app.config import load_settings
from app.main import create_app
from app.staff.sessions import open_session
from app.visits.sites import first_site_id
from tests.documents import pdf_pages
from tests.factories import (
    consenting_application,
    enrolled_kiosk,
    host,
    open_position,
    staff_member,
)
from tests.security.servers import ProxiedLiveServer, TestProcessPool, server_env

CALLERS = ("anonymous", "kiosk", "revoked_kiosk", "candidate_a", "candidate_b",
           "reception", "hr", "admin")


def row(*outcomes: str) -> tuple[str, ...]:
    assert len(outcomes) == len(CALLERS)
    return outcomes


# One row per kind of access rule; each route below names its row. Columns follow CALLERS:
#                  anon      kiosk     revoked   cand A     cand B     reception  hr        admin
PUBLIC = row(     "ok",     "ok",     "ok",     "ok",      "ok",      "ok",      "ok",     "ok")
KIOSK = row(      "deny",   "ok",     "deny",   "deny",    "deny",    "deny",    "deny",   "deny")
CANDIDATE = row(  "login",  "login",  "login",  "ok",      "ok",      "login",   "login",  "login")
# a candidate's own object (A's application or CV): B gets 404, never a hint it exists
OWN_OBJECT = row( "login",  "login",  "login",  "ok",      "missing", "login",   "login",  "login")
ANY_STAFF = row(  "login",  "login",  "login",  "login",   "login",   "ok",      "ok",     "ok")
HR_ADMIN = row(   "login",  "login",  "login",  "login",   "login",   "deny",    "ok",     "ok")
RECEPTION = row(  "login",  "login",  "login",  "login",   "login",   "ok",      "deny",   "ok")
ADMIN = row(      "login",  "login",  "login",  "login",   "login",   "deny",    "deny",   "ok")
DEAD_TOKEN = row( "missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing")
# /metrics answers only the scraper's addresses (INTAKE_METRICS_ALLOW); every caller here comes
# from a 10.x address, so it does not exist for any of them, whatever their session
SCRAPER = DEAD_TOKEN

# (method, path as Litestar lists it) -> expected row. THE table.
EXPECTED: dict[tuple[str, str], tuple[str, ...]] = {
    # plumbing
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): SCRAPER,
    ("GET", "/static/{file_path:path}"): PUBLIC,
    ("HEAD", "/static/{file_path:path}"): PUBLIC,
    ("GET", "/kiosk/static/{file_path:path}"): PUBLIC,
    ("GET", "/kiosk/sw.js"): PUBLIC,
    ("HEAD", "/kiosk/static/{file_path:path}"): PUBLIC,
    # OpenAPI: public in development only (production: admin, test_openapi_is_admin_only...)
    ("GET", "/schema"): PUBLIC,
    ("GET", "/schema/{path:str}"): PUBLIC,
    ("GET", "/schema/openapi.json"): PUBLIC,
    # portal, public side
    ("GET", "/"): PUBLIC,
    ("GET", "/privacy/candidate"): PUBLIC,
    ("GET", "/positions/{slug:str}"): PUBLIC,
    ("GET", "/apply/{slug:str}"): PUBLIC,
    ("POST", "/apply/{slug:str}"): PUBLIC,
    ("GET", "/feeds/positions.rss"): PUBLIC,
    ("GET", "/feeds/positions.json"): PUBLIC,
    ("GET", "/feeds/positions.html"): PUBLIC,
    ("GET", "/me/signin"): PUBLIC,
    ("POST", "/me/signin"): PUBLIC,
    ("GET", "/me/signin/{token:str}"): DEAD_TOKEN,
    ("POST", "/me/signin/{token:str}"): DEAD_TOKEN,
    ("GET", "/me/email/{token:str}"): PUBLIC,  # a friendly "this link has expired" page
    ("GET", "/me/renew/{token:str}"): DEAD_TOKEN,  # consent renewal (issue 21.4)
    ("POST", "/me/renew/{token:str}"): DEAD_TOKEN,
    ("GET", "/me/renewed"): PUBLIC,
    ("POST", "/me/email/{token:str}"): DEAD_TOKEN,
    ("GET", "/unsubscribe/{token:str}"): DEAD_TOKEN,
    ("POST", "/unsubscribe/{token:str}"): DEAD_TOKEN,
    ("GET", "/me/confirm/{token:str}"): DEAD_TOKEN,  # issue 16: an application's owner
    ("POST", "/me/confirm/{token:str}"): DEAD_TOKEN,
    ("GET", "/visitor-rights"): PUBLIC,
    # a badge's sign-out link on the visitor's phone: unguessable, dead ones are 404
    ("GET", "/OUT/{token:str}"): DEAD_TOKEN,
    ("POST", "/OUT/{token:str}"): DEAD_TOKEN,
    ("POST", "/visitor-rights"): PUBLIC,
    # portal, the candidate's own page
    ("GET", "/me"): CANDIDATE,
    ("GET", "/me/correct"): CANDIDATE,
    ("POST", "/me/details"): CANDIDATE,
    ("POST", "/me/email"): CANDIDATE,
    ("POST", "/me/consent"): CANDIDATE,
    ("POST", "/me/language"): CANDIDATE,
    ("GET", "/me/export"): CANDIDATE,
    ("GET", "/me/erase"): CANDIDATE,
    ("POST", "/me/erase"): CANDIDATE,
    ("GET", "/me/erased"): PUBLIC,  # the deletion receipt after the redirect (21.3)
    ("GET", "/me/object"): CANDIDATE,
    ("POST", "/me/object"): CANDIDATE,
    ("GET", "/me/complaint"): CANDIDATE,
    ("POST", "/me/complaint"): CANDIDATE,
    ("GET", "/me/information"): CANDIDATE,
    ("POST", "/me/signout"): CANDIDATE,
    ("GET", "/me/cv/{cv_id:int}"): OWN_OBJECT,
    ("POST", "/me/applications/{application_id:int}/letter"): OWN_OBJECT,
    ("POST", "/me/applications/{application_id:int}/cv"): OWN_OBJECT,
    ("GET", "/me/applications/{application_id:int}/restrict"): OWN_OBJECT,
    ("POST", "/me/applications/{application_id:int}/restrict"): OWN_OBJECT,
    ("POST", "/me/applications/{application_id:int}/interview"): OWN_OBJECT,  # 17.5
    # kiosk
    ("GET", "/kiosk"): PUBLIC,  # the pairing screen of a tablet not yet enrolled
    ("POST", "/kiosk/pair"): PUBLIC,
    ("POST", "/api/kiosk/enrol"): PUBLIC,
    ("GET", "/kiosk/language"): KIOSK,
    ("GET", "/kiosk/notice"): KIOSK,
    ("GET", "/kiosk/details"): KIOSK,
    ("POST", "/kiosk/edit"): KIOSK,
    ("POST", "/kiosk/confirm"): KIOSK,
    ("POST", "/kiosk/sign-in"): KIOSK,
    ("GET", "/kiosk/invitation"): KIOSK,
    ("POST", "/kiosk/invitation"): KIOSK,
    ("GET", "/kiosk/hosts"): KIOSK,
    ("GET", "/kiosk/sign-out"): KIOSK,
    ("POST", "/kiosk/sign-out"): KIOSK,
    ("GET", "/kiosk/goodbye"): KIOSK,
    ("GET", "/api/kiosk/hosts"): KIOSK,
    ("GET", "/api/kiosk/notice"): KIOSK,
    ("POST", "/api/kiosk/sign-in"): KIOSK,
    ("POST", "/api/kiosk/sign-out"): KIOSK,
    # console: signing in
    ("GET", "/console/login"): PUBLIC,
    ("POST", "/console/login"): PUBLIC,
    ("GET", "/console/login/code"): PUBLIC,
    ("POST", "/console/login/code"): PUBLIC,
    # public, and absent (404) while no identity provider is configured, as here; with one
    # they are covered by tests/staff/test_identity_provider.py
    ("GET", "/console/login/sso"): DEAD_TOKEN,
    ("GET", "/console/login/sso/callback"): DEAD_TOKEN,
    ("GET", "/console/reset"): PUBLIC,
    ("POST", "/console/reset"): PUBLIC,
    ("GET", "/console/reset/{token:str}"): DEAD_TOKEN,  # a voided or used link says so at once
    ("POST", "/console/reset/{token:str}"): PUBLIC,  # a friendly "this link has expired" page
    ("GET", "/console/invite/{token:str}"): DEAD_TOKEN,
    ("POST", "/console/invite/{token:str}"): DEAD_TOKEN,
    ("POST", "/console/logout"): ANY_STAFF,
    ("GET", "/console/password"): ANY_STAFF,
    ("POST", "/console/password"): ANY_STAFF,
    ("GET", "/console"): ANY_STAFF,
    ("GET", "/console/two-factor"): ANY_STAFF,
    ("POST", "/console/two-factor/enable"): ANY_STAFF,
    ("POST", "/console/two-factor/disable"): ANY_STAFF,
    # console: recruiting (HR)
    ("GET", "/console/positions"): HR_ADMIN,
    ("POST", "/console/positions"): HR_ADMIN,
    ("GET", "/console/positions/new"): HR_ADMIN,
    ("GET", "/console/positions/{position_id:int}/edit"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/status"): HR_ADMIN,
    ("GET", "/console/positions/{position_id:int}/questions"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/questions"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/questions/{question_id:int}/delete"): HR_ADMIN,
    ("GET", "/console/positions/{position_id:int}/applications"): HR_ADMIN,
    ("GET", "/console/positions/{position_id:int}/applications/{application_id:int}"): HR_ADMIN,
    ("GET", "/console/positions/{position_id:int}/applications/{application_id:int}/cv/{cv_id:int}"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/applications/{application_id:int}/scorecard"): HR_ADMIN,
    ("GET", "/console/positions/{position_id:int}/criteria"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/criteria"): HR_ADMIN,
    ("GET", "/console/positions/{position_id:int}/applications/{application_id:int}/cv/{cv_id:int}/pages/{number:int}"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/applications/{application_id:int}/comment"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/applications/{application_id:int}/stage"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/applications/{application_id:int}/hand-over"): HR_ADMIN,
    ("GET", "/console/hris"): ADMIN,
    ("POST", "/console/hris/{reference:str}/retry"): ADMIN,
    # talking to candidates, bulk actions (issue 17.4-6)
    ("POST", "/console/positions/{position_id:int}/applications/{application_id:int}/message"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/applications/{application_id:int}/interview"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/applications/{application_id:int}/interview/cancel"): HR_ADMIN,
    ("POST", "/console/positions/{position_id:int}/applications/bulk"): HR_ADMIN,
    ("GET", "/console/messages"): ADMIN,
    ("POST", "/console/messages"): ADMIN,
    ("GET", "/console/statistics"): HR_ADMIN,
    ("GET", "/console/statistics.csv"): HR_ADMIN,
    ("GET", "/console/statistics.json"): HR_ADMIN,
    ("GET", "/console/sources"): ADMIN,
    ("POST", "/console/sources"): ADMIN,
    ("POST", "/console/sources/{source_id:int}"): ADMIN,
    ("GET", "/console/requests"): HR_ADMIN,
    ("GET", "/console/requests/{request_id:int}"): HR_ADMIN,
    ("GET", "/console/requests/{request_id:int}/export"): HR_ADMIN,
    ("POST", "/console/requests/{request_id:int}/{step:str}"): HR_ADMIN,
    ("GET", "/console/requests/{request_id:int}/visits"): HR_ADMIN,
    ("POST", "/console/requests/{request_id:int}/visits/access"): HR_ADMIN,
    ("POST", "/console/requests/{request_id:int}/visits/erase"): HR_ADMIN,
    ("GET", "/console/disclosures"): HR_ADMIN,
    ("POST", "/console/disclosures"): HR_ADMIN,
    # console: reception
    ("GET", "/console/reception"): RECEPTION,
    ("GET", "/console/reception/evacuation"): RECEPTION,
    ("GET", "/console/reception/log"): RECEPTION,
    ("POST", "/console/reception/expected"): RECEPTION,
    ("POST", "/console/reception/visits/{visit_id:int}/sign-out"): RECEPTION,
    ("GET", "/console/kiosks"): RECEPTION,
    ("POST", "/console/kiosks"): RECEPTION,
    ("POST", "/console/kiosks/{kiosk_id:int}/pair"): RECEPTION,
    ("POST", "/console/kiosks/{kiosk_id:int}/print-layout"): RECEPTION,
    ("GET", "/console/reception/walk-in"): RECEPTION,
    ("POST", "/console/reception/walk-in"): RECEPTION,
    ("POST", "/console/kiosks/{kiosk_id:int}/revoke"): RECEPTION,
    # console: admin / DPO
    ("GET", "/console/staff"): ADMIN,
    ("POST", "/console/staff/invite"): ADMIN,
    ("POST", "/console/staff/{member_id:int}"): ADMIN,
    ("GET", "/console/outbox"): ADMIN,
    ("GET", "/console/hosts"): ADMIN,
    ("POST", "/console/hosts"): ADMIN,
    ("POST", "/console/hosts/{host_id:int}"): ADMIN,
    ("GET", "/console/sites"): ADMIN,
    ("POST", "/console/sites"): ADMIN,
    ("GET", "/console/sites/{site_id:int}"): ADMIN,
    ("POST", "/console/sites/{site_id:int}"): ADMIN,
    ("GET", "/console/notices"): ADMIN,
    ("POST", "/console/notices"): ADMIN,
    ("GET", "/console/notices/new"): ADMIN,
    ("GET", "/console/audit"): ADMIN,
    ("GET", "/console/audit.csv"): ADMIN,
    ("GET", "/console/retention"): ADMIN,
    ("GET", "/console/art30"): ADMIN,
    ("GET", "/console/art30.md"): ADMIN,
    ("GET", "/console/art30.json"): ADMIN,
}


def app_routes() -> list[tuple[str, str]]:
    """Every (method, path) the app serves, from its own route list. OPTIONS handlers are
    Litestar's automatic ones (no access rule: denied by the guard, see the test below)."""
    app = create_app(load_settings())
    found = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in getattr(handler, "http_methods", ()):
                if method != "OPTIONS":
                    found.add((method, route.path))
    return sorted(found, key=lambda mp: (mp[1], mp[0]))


ROUTES = app_routes()
PARAM = re.compile(r"\{(\w+):\w+\}")


def concrete(path: str, world: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        return str(world["params"][match.group(1)])

    return PARAM.sub(value, path)


async def build_world() -> dict[str, Any]:
    from app.recruiting.message_templates import ensure_defaults

    now = utcnow()
    await ensure_defaults()  # as migrate makes them (issue 17.4)
    position_id = await open_position()
    # A real PDF: its pages are drawn in place (issue 17 point 1).
    a = await consenting_application(position_id, "Alice Applicant", cv=pdf_pages(1))
    b = await consenting_application(position_id, "Bob Applicant")
    ids = {role: (await staff_member(role))[0] for role in ("reception", "hr", "admin")}
    kiosk_id, kiosk_credential = await enrolled_kiosk("Front desk")
    revoked_id, revoked_credential = await enrolled_kiosk("Old tablet")
    from app.privacy.rights_requests import open_request
    from app.tables import Position
    from app.visits.kiosks import revoke
    from tests.factories import visit_row

    await revoke(revoked_id, now)
    host_id = await host()
    visit_id, _ = await visit_row()
    request = await open_request("access", "candidate", now, candidate_id=a["candidate_id"])
    slug = (await Position.select(Position.slug).where(Position.id == position_id).first())["slug"]
    from app.privacy.audit import SYSTEM
    from app.recruiting.screening import QuestionDraft, add_question

    question_id = await add_question(SYSTEM, position_id, QuestionDraft(
        "yes_no", "Can you work in Denmark?", "The job is in Copenhagen."), now)
    params = {
        "file_path": "intake.css", "path": "openapi.json", "slug": slug,
        "token": "no-such-token-0123456789abcdef", "position_id": position_id,
        "application_id": a["application_id"], "cv_id": a["cv_id"], "number": 1,
        "request_id": request.id,
        "step": "assign", "visit_id": visit_id, "host_id": host_id, "member_id": ids["hr"],
        "kiosk_id": kiosk_id, "site_id": await first_site_id(), "question_id": question_id, "source_id": await _source_id(),
        "reference": "0b9e3c1e-2f4d-4a8e-9d61-5f0c1f2a7b3c",
    }
    return {"params": params, "a": a, "b": b, "staff": ids, "kiosk": kiosk_credential,
            "revoked_kiosk": revoked_credential}


async def _source_id() -> int:
    from app.recruiting import sources

    await sources.ensure_defaults()
    return int((await sources.listed("en"))[0][0])


async def caller_cookies(caller: str, world: dict[str, Any]) -> dict[str, str]:
    """A session of its own for this caller, made the way a sign-in makes it."""
    now = utcnow()
    if caller in ("kiosk", "revoked_kiosk"):
        return {"intake_kiosk": world[caller]}
    if caller in ("candidate_a", "candidate_b"):
        candidate_id = world[caller[-1]]["candidate_id"]
        return {"intake_candidate": await open_session(now, candidate_id=candidate_id)}
    if caller in world["staff"]:
        return {"intake_staff": await open_session(now, staff_id=world["staff"][caller])}
    return {}


def outcome(response: Any) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    if status >= 500:
        return f"error {status}"
    # The guard's sign-in redirect carries ?next= (a logout's plain redirect is not a refusal)
    to_signin = location.startswith(("/console/login?next=", "/me/signin?next="))
    if status == 401 or (300 <= status < 400 and to_signin):
        return "login"
    return {403: "deny", 404: "missing", 429: "rate-limited"}.get(status, "ok")


def test_every_route_of_the_app_is_in_the_table():
    missing = [f"{m} {p}" for m, p in ROUTES if (m, p) not in EXPECTED]
    assert not missing, "routes without a declared row in EXPECTED:\n" + "\n".join(missing)


def test_the_table_names_no_route_that_is_gone():
    gone = [f"{m} {p}" for m, p in EXPECTED if (m, p) not in ROUTES]
    assert not gone, "EXPECTED names routes the app no longer has:\n" + "\n".join(gone)


# A body for the few handlers that answer 404 to an empty form for everybody.
BODIES: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/me/consent"): {"purpose": "marketing", "action": "give"},
}
FILE_PATHS = {"/kiosk/static/{file_path:path}": "kiosk.css"}


async def world_intact(world: dict[str, Any]) -> bool:
    """A call may change the world (a candidate erasing themselves, a role change): then the
    world is built again, so no call's answer depends on the calls before it."""
    from app.tables import Application, CVFile, Kiosk, ScreeningQuestion, StaffMember

    if not await ScreeningQuestion.exists().where(
            ScreeningQuestion.id == world["params"]["question_id"]):
        return False

    for who in ("a", "b"):
        if not await Application.exists().where(Application.id == world[who]["application_id"]):
            return False
        if not await CVFile.exists().where(CVFile.id == world[who]["cv_id"]):
            return False
    staff = await StaffMember.select(StaffMember.role, StaffMember.disabled).where(
        StaffMember.id.is_in(list(world["staff"].values())))
    if sorted((r["role"], r["disabled"]) for r in staff) != sorted(
            (role, False) for role in world["staff"]):
        return False
    live = await Kiosk.count().where(Kiosk.revoked_at.is_null() & Kiosk.credential_hash.is_not_null())
    return live == 1


async def fresh_world() -> dict[str, Any]:
    from app.tables import ALL_TABLES

    for table in reversed(ALL_TABLES):
        await table.delete(force=True)
    return await build_world()


@pytest.fixture(scope="module")
def server():
    live = ProxiedLiveServer(server_env()).start()
    yield live
    live.stop()


def as_its_door_sends_it(path: str, cookies: dict[str, str],
                         cookie_only: bool = False) -> dict[str, str]:
    """The caller's credentials as headers. A tablet sends its device credential as a cookie
    to the HTML kiosk and as `Authorization: Bearer` to the JSON API, which refuses the
    cookie (issue 16 item 5); `cookie_only` plays a page that tries the cookie there."""
    cookies = dict(cookies)
    headers = {}
    if path.startswith("/api/kiosk/") and "intake_kiosk" in cookies and not cookie_only:
        headers["authorization"] = f"Bearer {cookies.pop('intake_kiosk')}"
    headers["cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return headers


async def call(http: httpx.AsyncClient, method: str, path: str, caller: str,
               world: dict[str, Any], csrf: str, n: int, cookie_only: bool = False) -> str:
    from app.tables import Throttle

    if method == "POST":  # the matrix signs in far more often than a person may
        await Throttle.delete(force=True)
    sessions = world.setdefault("sessions", {})
    if caller not in sessions:
        sessions[caller] = await caller_cookies(caller, world)
    cookies = {"intake_csrf": csrf, **sessions[caller]}
    if method == "POST":  # it may end the session (a logout): the next call gets a new one
        del sessions[caller]
    world["params"]["file_path"] = FILE_PATHS.get(path, "intake.css")
    headers = {
        "x-csrftoken": csrf,
        "accept": "text/html",
        **as_its_door_sends_it(path, cookies, cookie_only),
        # a new /24 for every call: the per-client rate limit is not what is measured here
        "x-forwarded-for": f"10.{n // 250 % 250}.{n % 250}.7",
    }
    response = await http.request(method, concrete(path, world), headers=headers,
                                  data=BODIES.get((method, path)))
    seen_header_problems.update(
        f"{method} {path} ({response.status_code}): {p}" for p in header_problems(path, response))
    return outcome(response)


seen_header_problems: set[str] = set()
# A JSON-LD data block (type="application/ld+json") is data the browser never runs: allowed.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/ld\+json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle=", re.IGNORECASE)


def header_problems(path: str, response: httpx.Response) -> list[str]:
    """SECURITY.md "Requests": the headers on every answer, errors and redirects included, and
    pages that the strict CSP will not break (no inline script, no style attribute)."""
    h, problems = response.headers, []
    csp = h.get("content-security-policy", "")
    if "frame-ancestors 'none'" not in csp or "unsafe-inline" in csp:
        problems.append(f"CSP {csp!r}")
    for name, value in (("x-content-type-options", "nosniff"), ("referrer-policy", "same-origin")):
        if h.get(name) != value:
            problems.append(f"{name}: {h.get(name)!r}")
    if "max-age=" not in h.get("strict-transport-security", ""):
        problems.append("no HSTS")
    if path.startswith(("/console", "/me", "/kiosk", "/api/")) and not path.startswith(
            "/kiosk/static") and "no-store" not in h.get("cache-control", ""):
        problems.append(f"cache-control: {h.get('cache-control')!r}")
    if "text/html" in h.get("content-type", ""):
        if INLINE_SCRIPT.search(response.text):
            problems.append("inline <script>")
        if INLINE_STYLE.search(response.text):
            problems.append("style= attribute")
    return problems


async def test_every_route_answers_each_caller_as_declared(server):
    """One server, one world rebuilt only when a call changed it; every mismatch is listed."""
    async with TestProcessPool(), httpx.AsyncClient(
            base_url=server.url, follow_redirects=False, timeout=30) as http:
        csrf = (await http.get("/console/login")).cookies.get("intake_csrf")
        assert csrf
        world = await build_world()
        wrong, n = [], 0
        for method, path in ROUTES:
            expected = EXPECTED.get((method, path))
            if expected is None:
                continue  # reported by test_every_route_of_the_app_is_in_the_table
            for caller, wanted in zip(CALLERS, expected, strict=True):
                n += 1
                got = await call(http, method, path, caller, world, csrf, n)
                if got != wanted:
                    wrong.append(f"{method} {path} as {caller}: got {got}, expected {wanted}")
                if method == "POST" and not await world_intact(world):
                    world = await fresh_world()
            if path.startswith("/api/kiosk/") and expected == KIOSK:
                # The JSON API takes the bearer header only: the tablet's cookie (which a
                # browser sends by itself, and CSRF does not guard here) is refused.
                n += 1
                got = await call(http, method, path, "kiosk", world, csrf, n, cookie_only=True)
                if got != "deny":
                    wrong.append(f"{method} {path} as kiosk by cookie: got {got}, expected deny")
    assert not wrong, "\n".join(wrong)
    assert "unexpected" not in server.output()  # no 500 was logged along the way
    headers = sorted(seen_header_problems)
    assert not headers, "\n".join(headers)


async def test_automatic_options_handlers_are_not_a_way_around_the_guard(client):
    response = await client.options("/console/staff")
    assert response.status_code in (403, 405)
    assert "intake_staff" not in response.text


async def test_openapi_is_admin_only_in_production(settings):
    import msgspec
    from litestar.testing import AsyncTestClient

    from app import config

    production = msgspec.structs.replace(settings, env="production")
    try:
        app = create_app(production)
        async with AsyncTestClient(app=app, base_url="https://testserver.local") as c:
            c.follow_redirects = False
            anonymous = await c.get("/schema/openapi.json", headers={"accept": "text/html"})
            assert outcome(anonymous) == "login"
            staff_id, _, _ = await staff_member("hr")
            c.cookies.set("intake_staff", await open_session(utcnow(), staff_id=staff_id),
                          domain="testserver.local")
            assert (await c.get("/schema/openapi.json")).status_code == 403
            admin_id, _, _ = await staff_member("admin")
            c.cookies.set("intake_staff", await open_session(utcnow(), staff_id=admin_id),
                          domain="testserver.local")
            for _ in range(2):  # the rule must hold on every request, not just the first
                assert (await c.get("/schema/openapi.json")).status_code == 200
    finally:
        config.use(settings)
