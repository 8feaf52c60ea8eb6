"""Hostile input against every HTML form and every page's query string (issue 7 item 3): hypothesis sends each POST route of
the app, as a caller who may use it, unicode edge cases, NUL bytes, very long strings, wrong
types, missing and repeated fields, url-encoded and multipart. No answer may be a 5xx, and a
refused form (4xx) must not have written a row anywhere (no half-written record).

The routes are the app's own (from the matrix's route list), so a new form is fuzzed as soon
as it exists; field names are the ones the templates use, so most fields get hit."""

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.servers import ProxiedLiveServer, TestProcessPool, server_env
from tests.security.test_route_matrix import (
    CALLERS,
    EXPECTED,
    ROUTES,
    as_its_door_sends_it,
    build_world,
    caller_cookies,
    concrete,
    fresh_world,
    world_intact,
)

EXAMPLES = 12  # per form: ~50 forms, a minute or so per database
ROOT = Path(__file__).resolve().parents[2]
FIELD = re.compile(r'(?:name="|(?:input|checkbox|textarea|select|choice|radio)\(")([a-z_]+)"')
FIELDS = sorted({m for f in (ROOT / "templates").rglob("*.html")
                 for m in FIELD.findall(f.read_text(errors="replace"))} - {"_csrf_token"})
# Rows a refused request may legitimately leave: failure counters (lockout), the per-client
# request count of the public forms (app/rate_limit.py: counted before the form is read),
# sessions, and the audit record of the staff READ the re-rendered page is (it shows the
# candidate's data again).
MAY_CHANGE_ON_REFUSAL = {"throttle", "rate_window", "session", "audit_event"}

NASTY = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\u202e\u0644\u0627", "\ud7ff\ufeff\ufffd", "𝕬𝖉𝖆 🧪👩‍💻",
    "Ω" * 5000, "x" * 100_000, "<script>alert(1)</script>", "' OR '1'='1", "%00%0d%0a",
    "true", "on", "false", "1", "-1", "0", "99999999999999999999999", "1.5", "NaN", "[]", "{}",
    "2026-02-30", "../../etc/passwd", "ada@example.org", "a" * 255 + "@example.org",
])
VALUE = st.one_of(NASTY, st.text(max_size=300))
PAIRS = st.lists(st.tuples(st.sampled_from(FIELDS), VALUE), max_size=12)  # repeats allowed

FORMS = [(m, p) for m, p in ROUTES if m == "POST" and not p.startswith("/api/")]
# Pages that read a query string (search boxes, queue filters, ?next=, ?done=...): all GETs
PAGES = [(m, p) for m, p in ROUTES if m == "GET" and not p.startswith(("/static", "/kiosk/static",
                                                                         "/schema"))]
QUERY_FIELDS = sorted({*FIELDS, "q", "next", "done", "saved", "stage", "consent", "from", "to",
                       "name", "language", "pairing", "revoked", "page", "changed", "erased"})
QUERY = st.lists(st.tuples(st.sampled_from(QUERY_FIELDS), VALUE.map(
    lambda v: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")[:4000])),
    max_size=8)


def caller_for(method: str, path: str) -> str:
    """Someone the access rule lets in: the form is the target, not the guard."""
    row = dict(zip(CALLERS, EXPECTED[(method, path)], strict=True))
    for caller in ("admin", "candidate_a", "kiosk", "anonymous", "reception", "hr"):
        if row[caller] == "ok":
            return caller
    return "anonymous"


@pytest.fixture(scope="module")
def server():
    live = ProxiedLiveServer(server_env()).start()
    yield live
    live.stop()


async def row_counts() -> dict[str, int]:
    """Rows per table, in one query (a count per table would be thousands of round trips)."""
    from app.db import engine
    from app.tables import ALL_TABLES

    names = [t._meta.tablename for t in ALL_TABLES]
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{n}") AS "{n}"' for n in names)
    rows = await engine().run_ddl(sql)
    return {k: int(v) for k, v in rows[0].items()}


async def keep_world(world: dict[str, Any]) -> None:
    if not await world_intact(world):
        fresh = await fresh_world()
        world.clear()
        world.update(fresh)


async def clear_throttle() -> None:
    from app.tables import RateWindow, Throttle

    await Throttle.delete(force=True)
    await RateWindow.delete(force=True)


def fuzz_form(server: ProxiedLiveServer, loop: asyncio.AbstractEventLoop, method: str,
              path: str, world: dict[str, Any], csrf: str) -> list[str]:
    caller = caller_for(method, path)
    problems: list[str] = []
    counter = iter(range(10**6))

    def on_loop(coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(60)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(pairs=PAIRS, multipart=st.booleans())
    def attack(pairs: list[tuple[str, str]], multipart: bool) -> None:
        on_loop(clear_throttle())
        on_loop(keep_world(world))  # an earlier example may have erased the candidate
        url = server.url + concrete(path, world)
        cookies = {"intake_csrf": csrf, **on_loop(caller_cookies(caller, world))}
        n = next(counter)
        headers = {"accept": "text/html", "x-forwarded-for": f"10.{n // 250 % 250}.{n % 250}.9",
                   "cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        fields = [*pairs, ("_csrf_token", csrf)]
        before = on_loop(row_counts())
        if multipart:
            files = [(k, (None, v.encode("utf-8", "surrogatepass"))) for k, v in fields]
            response = httpx.post(url, files=files, headers=headers, timeout=30)
        else:
            body = httpx.QueryParams([(k, v.encode("utf-8", "surrogatepass").decode(
                "utf-8", "replace")) for k, v in fields])
            headers["content-type"] = "application/x-www-form-urlencoded"
            response = httpx.post(url, content=str(body), headers=headers, timeout=30)
        after = on_loop(row_counts())
        if response.status_code >= 500:
            problems.append(f"{path} as {caller}: {response.status_code} for {pairs!r:.300}")
        elif 400 <= response.status_code < 500:
            changed = {t for t in after if after[t] != before[t]} - MAY_CHANGE_ON_REFUSAL
            if changed:
                problems.append(f"{path} as {caller}: refused ({response.status_code}) but "
                                f"wrote to {sorted(changed)} for {pairs!r:.300}")

    attack()
    return problems


async def test_no_html_form_answers_500_or_half_writes_on_hostile_input(server):
    assert len(FORMS) >= 30, FORMS
    loop = asyncio.get_running_loop()
    problems: list[str] = []
    async with TestProcessPool(), httpx.AsyncClient(base_url=server.url) as http:
        csrf = (await http.get("/console/login")).cookies.get("intake_csrf")
        world = await build_world()
        for method, path in FORMS:
            problems += await asyncio.to_thread(fuzz_form, server, loop, method, path, world, csrf)
    assert not problems, "\n".join(sorted({p[:400] for p in problems}))
    assert "unexpected" not in server.output()


def fuzz_page(server: ProxiedLiveServer, loop: asyncio.AbstractEventLoop, path: str,
              world: dict[str, Any]) -> list[str]:
    caller = caller_for("GET", path)
    problems: list[str] = []

    def on_loop(coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(60)

    @settings(max_examples=4, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(query=QUERY)
    def attack(query: list[tuple[str, str]]) -> None:
        on_loop(keep_world(world))
        cookies = on_loop(caller_cookies(caller, world))
        headers = {"accept": "text/html", **as_its_door_sends_it(path, cookies)}
        url = server.url + concrete(path, world)
        response = httpx.get(url, params=query, headers=headers, timeout=30)
        if response.status_code >= 500:
            problems.append(f"GET {path} as {caller}: {response.status_code} for {query!r:.300}")

    attack()
    return problems


async def test_no_page_answers_500_to_a_hostile_query_string(server):
    loop = asyncio.get_running_loop()
    problems: list[str] = []
    async with TestProcessPool():
        world = await build_world()
        for _, path in PAGES:
            problems += await asyncio.to_thread(fuzz_page, server, loop, path, world)
    assert not problems, "\n".join(sorted({p[:400] for p in problems}))


async def test_every_form_refuses_a_post_without_its_csrf_token(server):
    """Cross-site request forgery: a logged-in caller's browser posting a form from elsewhere
    (their cookies, no token) changes nothing. The apply form checks its token itself and
    answers 400 with the form (app/web/portal/csrf.py); everything else gets 403."""
    problems = []
    async with TestProcessPool(), httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        world = await build_world()
        for n, (method, path) in enumerate(FORMS):
            await keep_world(world)
            await clear_throttle()
            caller = caller_for(method, path)
            cookies = await caller_cookies(caller, world)
            before = await row_counts()
            response = await http.post(concrete(path, world), data={"email": "x@example.org"},
                                       headers={"accept": "text/html",
                                                "x-forwarded-for": f"10.77.{n}.1",
                                                "cookie": "; ".join(f"{k}={v}" for k, v
                                                                    in cookies.items())})
            changed = {t for t, c in (await row_counts()).items() if c != before[t]}
            expected = (400,) if path.startswith("/apply/") else (403,)
            if response.status_code not in expected or changed - MAY_CHANGE_ON_REFUSAL:
                problems.append(f"{path} as {caller}: {response.status_code}, wrote {changed}")
    assert not problems, "\n".join(problems)


NUL = "a%00b"
STRING_PARAM = re.compile(r"\{(slug|token):str\}")


async def test_a_nul_byte_in_a_path_or_query_answers_400_or_404_never_500(server):
    """Issue 16 item 8: PostgreSQL cannot bind a NUL, so `/positions/a%00b`, `/apply/a%00b`
    and `?q=%00` on the visit log and the review queue answered 500. Every page, as a caller
    its access rule lets in, with a NUL in its query and in each text part of its path."""
    problems = []
    async with TestProcessPool(), httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        world = await build_world()
        for _, path in PAGES:
            cookies = await caller_cookies(caller_for("GET", path), world)
            headers = {"accept": "text/html", **as_its_door_sends_it(path, cookies)}
            urls = [concrete(path, world) + "?q=%00", concrete(path, world) + "?q=a%00b&page=1"]
            if STRING_PARAM.search(path):
                urls.append(concrete(STRING_PARAM.sub(NUL, path), world))
            for url in urls:
                response = await http.get(url, headers=headers)
                if response.status_code not in (400, 404):
                    problems.append(f"GET {url}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert "unexpected" not in server.output()


def raw_get(server: ProxiedLiveServer, target: str) -> str:
    """A request line exactly as given (an HTTP client would normalise `//host/x` first)."""
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n"
                     "Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def test_the_404_pages_language_switch_links_only_within_intake(server):
    """Issue 16 item 9: the switch links to the page's own path plus `?lang=`; a path that a
    browser reads as another host (`//evil.example/x`, a backslash, a tab) must not become
    a link off the site."""
    for target in ("//evil.example/x", "///evil.example/x", "/%2F/evil.example/x",
                   "/%5Cevil.example/x", "/%09/evil.example/x", "/\\evil.example/x"):
        answer = raw_get(server, target)
        status = int(answer.split(" ", 2)[1])
        assert status in (400, 404), (target, answer[:200])
        links = re.findall(r'<a href="([^"]*)"[^>]*hreflang=', answer)
        if status == 404:
            assert links, (target, answer[-500:])
        for link in links:
            assert link.startswith("/") and link[1:2] not in ("/", "\\"), (target, link)
            assert not re.search(r"[\s\\]", link), (target, link)  # nothing a browser drops
