"""Test set-up: a real database (SQLite file or a fresh PostgreSQL database), migrated once per
session, rows wiped before each test (PITFALLS: a fixture's transaction is invisible to the
app, so no rollback trick). The environment is fixed before anything of Intake is imported."""

import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

DATABASE = os.environ.get("INTAKE_TEST_DB", "sqlite")
_TMP = Path(tempfile.mkdtemp(prefix="intake-test-"))
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = f"intake_test_{os.getpid()}"

TEST_ENV = {
    "INTAKE_ENV": "development",
    "INTAKE_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "INTAKE_DATA_DIR": str(_TMP / "var"),
    "INTAKE_ARGON2_PROFILE": "test",
    "INTAKE_DB_POOL_SIZE": "0",  # PITFALLS: a pool opened in the app's loop breaks test bodies
    "INTAKE_SCHEDULER": "0",
    "INTAKE_COOKIE_SECURE": "1",
    "INTAKE_BASE_URL": "https://testserver.local",
    "SMTP_HOST": "",
    # 50 concurrent sign-ins from one tablet (SECURITY.md) are far past a lobby's cap of 20
    # in 2 minutes (issue 16): the tests of the cap set it themselves (tests/test_mail_caps.py).
    "INTAKE_CAP_KIOSK_SIGN_INS": "1000/2m",
}
if DATABASE == "postgres":
    TEST_ENV["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_NAME}"
else:
    TEST_ENV["DATABASE_URL"] = f"sqlite:///{_TMP / 'intake.sqlite'}"
os.environ.update(TEST_ENV)

# Hypothesis's default deadline (200 ms an example) is a timing assertion: one example of a
# pure function stalled by a loaded machine (two suites, a browser) fails the test as
# "unreliable test timings". Its "ci" profile drops the deadline only where a CI variable is
# set; `make test` without one kept it (tests/retention/test_properties.py). Built on the
# loaded profile, so CI keeps the rest of "ci" (derandomize, no example database).
settings.register_profile("intake", settings.default, deadline=None)
settings.load_profile("intake")


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def pytest_configure(config: pytest.Config) -> None:
    if DATABASE == "postgres":
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"'))
        asyncio.run(_pg(f'CREATE DATABASE "{PG_NAME}"'))
    from app.cli import migrate

    asyncio.run(migrate())


def pytest_unconfigure(config: pytest.Config) -> None:
    if DATABASE == "postgres":
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
    shutil.rmtree(_TMP, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """INTAKE_TEST_REVERSE=1: the test files in reverse order (each file's own order kept), so
    CI proves that no test depends on state an earlier file left behind (issue 16)."""
    if os.environ.get("INTAKE_TEST_REVERSE") != "1":
        return
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(str(item.path), []).append(item)
    items[:] = [item for path in reversed(files) for item in files[path]]


def pytest_report_header() -> str:
    return f"intake database: {DATABASE} ({os.environ['DATABASE_URL']})"


@pytest.fixture(autouse=True)
async def clean_database() -> AsyncIterator[None]:
    """Every test starts from empty tables (children before parents) and no CV files."""
    from app.tables import ALL_TABLES

    for table in reversed(ALL_TABLES):
        await table.delete(force=True)
    cv_dir = Path(TEST_ENV["INTAKE_DATA_DIR"]) / "cv"
    if cv_dir.exists():
        shutil.rmtree(cv_dir)
    yield


@pytest.fixture
async def notices():  # type: ignore[no-untyped-def]
    """Version 1 of the candidate and visitor notices, as `make run` publishes them."""
    from app.clock import utcnow
    from app.privacy.notices import ensure_default_notices

    await ensure_default_notices(utcnow())


@pytest.fixture
def settings():  # type: ignore[no-untyped-def]
    from app.config import load_settings

    return load_settings()


@pytest.fixture
async def client(settings):  # type: ignore[no-untyped-def]
    from litestar.testing import AsyncTestClient

    from app.main import create_app

    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as c:
        c.follow_redirects = False
        yield c


# --- a real server process, for browser and process-level tests --------------------------


EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")


def free_port() -> int:
    """A free port for a server this suite starts a moment later, chosen below the kernel's
    ephemeral range. A port from bind(("127.0.0.1", 0)) comes from that range, which the
    kernel also hands to outgoing connections (the suite's own, to PostgreSQL, Redis and the
    servers): one could take the port in the second before the server binds it. Below the
    range only another server of ours could, and the random choice makes that unlikely."""
    low = int(EPHEMERAL_PORTS.read_text().split()[0]) if EPHEMERAL_PORTS.exists() else 32768
    while True:
        port = random.SystemRandom().randrange(max(1024, low - 12_000), low)  # unseeded
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue  # in use, or in TIME_WAIT
            return port


class LiveServer:
    def __init__(self, env: dict[str, str], workers: int = 1,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.extra_args = extra_args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "INTAKE_BASE_URL": f"http://127.0.0.1:{self.port}"}
        self.workers = workers
        self.log = tempfile.NamedTemporaryFile(prefix="intake-server-", suffix=".log", delete=False)
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        # --no-proxy-headers as every documented command: Intake itself decides whom to
        # believe about forwarded headers (INTAKE_TRUSTED_PROXIES, app/proxies.py).
        return [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1",
                "--port", str(self.port), "--no-access-log", "--no-proxy-headers",
                "--workers", str(self.workers), *self.extra_args]

    def start(self) -> "LiveServer":
        return self.launch().wait_ready()

    def launch(self) -> "LiveServer":
        """Start the process without waiting (start several, then wait for each)."""
        self.proc = subprocess.Popen(self.command(), env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     cwd=Path(__file__).resolve().parent.parent)
        return self

    def wait_ready(self, seconds: float = 120) -> "LiveServer":
        """Until /healthz answers. The wait costs nothing when the server is quick and a
        process that exits is seen at once; on a loaded machine (two suites and a browser on
        two cores) the import alone took more than the 30 s this used to allow, and every
        browser test of the file errored."""
        import httpx

        assert self.proc is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()  # a server still starting was left running after the suite
        raise RuntimeError(f"server did not start:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """One uvicorn process on the test database, shared by the browser tests. Secure cookies
    are relaxed for plain-HTTP 127.0.0.1 only (the documented development flag)."""
    server = LiveServer({"INTAKE_COOKIE_SECURE": "0"}).start()
    yield server
    server.stop()


# --- the browser ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def _browser_required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("INTAKE_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
async def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        message = "!!! Debian's chromium is missing: SKIPPING the browser tests !!!"
        if _browser_required():
            pytest.fail("chromium is missing and CI requires the browser tests")
        print(f"\n{message}\n", file=sys.stderr)
        pytest.skip(message)
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()
