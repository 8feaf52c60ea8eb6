"""Database down (SECURITY.md "Reliability"; issue 7 item 4): a real uvicorn process on its own
PostgreSQL database, reached through a TCP proxy the test cuts. While cut, /readyz answers 503
and pages a friendly 503; when the proxy comes back the app recovers without a restart."""

import asyncio
import os
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from tests.conftest import DATABASE, PG_ADMIN, LiveServer, _pg
from tests.security.proxy import CuttableProxy

pytestmark = pytest.mark.skipif(
    DATABASE != "postgres", reason="a PostgreSQL fault: runs in the PostgreSQL half of the suite"
)


def wait_for(check, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture
def proxied_server(tmp_path):
    name = f"intake_fault_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    proxy = CuttableProxy(("127.0.0.1", 5432)).start()
    env = {
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}",
        "INTAKE_DB_POOL_SIZE": "3",  # a real pool: its connections die with the cut
        "INTAKE_COOKIE_SECURE": "0",
        "INTAKE_DATA_DIR": str(tmp_path),
    }
    full_env = {**os.environ, **env}
    subprocess.run([sys.executable, "-m", "litestar", "--app", "app.asgi:app", "bootstrap"],
                   env=full_env, check=True, capture_output=True, timeout=120)
    server = LiveServer(env).start()
    try:
        yield server, proxy
    finally:
        server.stop()
        proxy.cut()
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        assert PG_ADMIN  # the shared server itself is never stopped


def get(server: LiveServer, path: str, **kw) -> httpx.Response:
    try:
        return httpx.get(server.url + path, timeout=15, follow_redirects=False, **kw)
    except httpx.HTTPError as exc:  # a hang or a reset is itself a failure of the property
        pytest.fail(f"{path} did not answer: {exc!r}")


def test_the_app_answers_503_while_postgres_is_away_and_recovers_by_itself(proxied_server):
    server, proxy = proxied_server
    session_cookie = {"intake_staff": "a-session-id-that-makes-the-guard-ask-the-database"}
    assert get(server, "/readyz").status_code == 200
    assert get(server, "/console", cookies=session_cookie).status_code == 303

    proxy.cut()
    assert get(server, "/readyz").status_code == 503
    html = get(server, "/console", cookies=session_cookie, headers={"accept": "text/html"})
    assert html.status_code == 503, html.text[:500]
    assert "We&#39;ll be right back" in html.text or "We'll be right back" in html.text
    assert "Traceback" not in html.text and "asyncpg" not in html.text
    assert html.headers.get("retry-after")
    assert "frame-ancestors 'none'" in html.headers.get("content-security-policy", "")
    landing = get(server, "/", headers={"accept": "text/html"})  # a public page, no cookie
    assert landing.status_code == 503 and "right back" in landing.text
    api = get(server, "/console", cookies=session_cookie, headers={"accept": "application/json"})
    assert api.status_code == 503 and api.json()["status_code"] == 503

    proxy.restore()
    assert wait_for(lambda: get(server, "/readyz").status_code == 200), "readyz did not recover"
    assert wait_for(
        lambda: get(server, "/console", cookies=session_cookie).status_code == 303
    ), "pages did not recover"
    assert get(server, "/").status_code == 200
    assert server.proc is not None and server.proc.poll() is None  # no restart was needed
    log = server.output()
    assert "database unavailable rid=" in log  # logged with a correlation id...
    assert "unexpected" not in log  # ...and never taken for an unexpected error (a 500)
