"""The served stack (issue 18.2): Caddy with deploy/Caddyfile (its internal CA, HTTP -> HTTPS)
in front of two Intake processes started by deploy/serve, each with its own data folder, on
one PostgreSQL database, as two hosts would run. Everything goes through HTTPS.

Caddy spreads requests round-robin; each process names itself in a response header (uvicorn's
--header, a test-only argument), so a step can go to the process it means to and the test
checks that it did."""

import re
import signal
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from app.tables import Application, ConsentEvent, CVFile, Position
from tests.conftest import DATABASE
from tests.factories import staff_member
from tests.helpers import csrf_from
from tests.portal.support import PDF, apply_fields, position_slug
from tests.stack.served import Caddy, ServedApp, caddy_or_skip

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(
        DATABASE != "postgres",
        reason=(
            "the served stack is several hosts on one database: PostgreSQL only (SQLite serves "
            "one host)"
        ),
    ),
]

CLIENT = "127.1.2.3"  # the visitor's address: loopback, but not the proxy's 127.0.0.1
PROCESS = "x-intake-process"


class Stack:
    def __init__(self, caddy: Caddy, apps: list[ServedApp]) -> None:
        self.caddy, self.apps = caddy, apps


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    caddy_bin = caddy_or_skip()
    apps: list[ServedApp] = []
    caddy = None
    try:
        for number in ("1", "2"):
            app = ServedApp(
                {"INTAKE_TRUSTED_PROXIES": "127.0.0.1", "INTAKE_DB_POOL_SIZE": "2"},
                extra_args=("--header", f"{PROCESS}:{number}"),
            )
            apps.append(app)
        caddy = Caddy([f"127.0.0.1:{app.port}" for app in apps])
        for app in apps:
            app.env["INTAKE_BASE_URL"] = caddy.url
            app.launch()
        caddy.start(caddy_bin)  # meanwhile
        for app in apps:
            app.wait_ready()
        yield Stack(caddy, apps)
    finally:
        if caddy:
            caddy.stop()
        for app in apps:
            app.stop()


@pytest.fixture
async def browser(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A client at CLIENT that trusts only Caddy's internal CA."""
    transport = httpx.AsyncHTTPTransport(local_address=CLIENT, verify=stack.caddy.trust())
    async with httpx.AsyncClient(base_url=stack.caddy.url, transport=transport, timeout=30) as http:
        yield http


async def to_process(http: httpx.AsyncClient, process: str) -> None:
    """Make the next request go to `process`: round-robin sends it to the other one than the
    request before it (checked by the caller through the response header)."""
    last = (await http.get("/healthz")).headers[PROCESS]
    if last == process:
        await http.get("/healthz")


async def on(
    http: httpx.AsyncClient, process: str, method: str, url: str, **kwargs
) -> httpx.Response:  # type: ignore[no-untyped-def]
    await to_process(http, process)
    response = await http.request(method, url, **kwargs)
    assert response.headers[PROCESS] == process, "Caddy did not alternate as expected"
    return response


async def apply_on(
    http: httpx.AsyncClient, process: str, slug: str, **headers: str
) -> httpx.Response:
    page = await http.get(f"/apply/{slug}")
    assert page.status_code == 200, page.text[:300]
    data = {**apply_fields(), "_csrf_token": csrf_from(page.text)}
    return await on(
        http,
        process,
        "POST",
        f"/apply/{slug}",
        data=data,
        files={"cv": ("cv.pdf", PDF)},
        headers=headers,
    )


async def login_on(
    http: httpx.AsyncClient, process: str, email: str, password: str
) -> httpx.Response:
    page = await http.get("/console/login")
    data = {"email": email, "password": password, "_csrf_token": csrf_from(page.text)}
    return await on(http, process, "POST", "/console/login", data=data)


async def test_the_real_client_address_is_seen_through_the_proxy(stack, browser, notices):
    """Not the proxy's 127.0.0.1, nor what the client wrote in X-Forwarded-For itself: the
    address Caddy saw, truncated to /24 before it is stored (policy: IPs anonymised)."""
    slug = await position_slug()
    response = await apply_on(browser, "1", slug, **{"X-Forwarded-For": "203.0.113.77"})
    assert response.status_code == 200 and "we received your application" in response.text
    prefixes = {e["ip_prefix"] for e in await ConsentEvent.select(ConsentEvent.ip_prefix)}
    assert prefixes == {"127.1.2.0"}


async def test_a_cv_sent_through_one_process_is_read_through_the_other(stack, browser, notices):
    """Issue 18.1: each process has its own data folder; the CV is in the database."""
    slug = await position_slug()
    applied = await apply_on(browser, "1", slug)
    assert applied.status_code == 200, applied.text[:300]
    _, email, password = await staff_member("hr")
    assert (await login_on(browser, "2", email, password)).status_code == 303
    position = await Position.select(Position.id).where(Position.slug == slug).first()
    application = await Application.select(Application.id).first()
    cv = await CVFile.select(CVFile.id).first()
    url = f"/console/positions/{position['id']}/applications/{application['id']}/cv/{cv['id']}"
    download = await on(browser, "2", "GET", url)
    assert download.status_code == 200 and download.content == PDF


async def test_a_lockout_holds_across_both_processes(stack, browser):
    _, email, password = await staff_member("hr")
    for attempt in range(5):
        wrong = await login_on(browser, "1", email, f"wrong password {attempt}")
        assert wrong.status_code == 400, wrong.text[:300]
    # The right password, on the other host, still waits out the delay the first one set.
    locked = await login_on(browser, "2", email, password)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0


async def test_https_only_with_secure_cookies_and_hsts(stack, browser):
    caddy = stack.caddy
    async with httpx.AsyncClient() as plain:
        redirect = await plain.get(f"http://localhost:{caddy.http_port}/console/login")
    assert redirect.status_code == 308
    assert redirect.headers["location"].startswith("https://localhost")
    assert redirect.headers["location"].endswith("/console/login")
    page = await browser.get("/console/login")
    assert "max-age=" in page.headers["strict-transport-security"]
    assert "secure" in page.headers["set-cookie"].lower()


async def test_a_body_past_intakes_limit_is_refused_by_caddy(stack, browser):
    """Intake's limit, 11 MiB: a body of exactly that size reaches Intake (a login form with
    no CSRF token, which the app refuses); one byte more is refused by Caddy, in both
    languages, before any process sees it."""
    limit = 11 * 1024 * 1024
    at_limit = raw_answer(stack.caddy, limit, limit)
    assert PROCESS.encode() in at_limit.lower(), at_limit[:300]
    assert not at_limit.startswith(b"HTTP/1.1 413"), at_limit[:300]
    refused = raw_answer(stack.caddy, limit + 1)
    assert refused.startswith(b"HTTP/1.1 413") and PROCESS.encode() not in refused.lower()
    assert "filer må højst fylde 10 MiB".encode() in refused


def raw_answer(caddy: Caddy, length: int, sent: int = 0) -> bytes:
    """Headers that announce `length` bytes, then `sent` of them: what comes back."""
    with (
        socket.create_connection(("127.0.0.1", caddy.https_port), timeout=60) as raw,
        caddy.trust().wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        tls.sendall(
            f"POST /console/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
            f"{length}\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n".encode()
            + b"x" * sent
        )
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := tls.recv(65536)):
            answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        declared = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        while declared and len(body) < int(declared.group(1)) and (chunk := tls.recv(65536)):
            body += chunk
        return head + b"\r\n\r\n" + body


def test_a_client_that_never_finishes_its_headers_is_cut_off(stack):
    """Slowloris: Caddy closes a connection whose headers do not end (read_header 10s; Caddy's
    own default waits a minute, past this socket's 40 s)."""
    caddy = stack.caddy
    with (
        socket.create_connection(("127.0.0.1", caddy.https_port), timeout=40) as raw,
        caddy.trust().wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1")
        try:
            closed = tls.recv(100)
        except ConnectionResetError:
            closed = b""
    assert closed == b"" or closed.startswith(b"HTTP/1.1 408"), closed


def test_a_stopped_process_is_passed_over_without_an_error(stack):
    """Last in this file: it stops process 1, as a deploy or a crash takes a host away. Caddy
    tries the other for up to 5 s (lb_try_duration) instead of answering 502 to every second
    request."""
    first = stack.apps[0]
    assert first.proc is not None
    first.proc.send_signal(signal.SIGTERM)
    first.proc.wait(60)  # gone (one worker: uvicorn exits by the signal it received)
    with httpx.Client(verify=stack.caddy.trust(), timeout=30) as http:
        answers = [http.get(f"{stack.caddy.url}/healthz") for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    assert {a.headers[PROCESS] for a in answers} == {"2"}
