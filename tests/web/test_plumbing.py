"""Headers, error pages, health, deny-by-default, settings."""

import pytest

from app.config import ConfigError, load_settings
from app.privacy.ip import truncate_ip

SECURITY_HEADERS = ["strict-transport-security", "content-security-policy",
                    "x-content-type-options", "referrer-policy"]


async def test_security_headers_are_on_a_404_too(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    for header in SECURITY_HEADERS:
        assert header in response.headers, header
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"
    # A friendly page, with the correlation id that is also in the log.
    assert "We could not find that page" in response.text
    assert response.headers["x-request-id"] in response.text


async def test_json_errors_for_json_callers(client):
    response = await client.get("/no/such/page", headers={"accept": "application/json"})
    assert response.status_code == 404
    body = response.json()
    assert body["status_code"] == 404 and body["request_id"]


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).status_code == 200


async def test_readiness_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from app import db

    engine = db.engine()
    if engine.engine_type == "sqlite":
        monkeypatch.setitem(engine.connection_kwargs, "database", "/nonexistent/dir/x.sqlite")
    else:
        monkeypatch.setitem(engine.config, "port", 1)
    response = await client.get("/readyz")
    assert response.status_code == 503
    page = await client.get("/console/login", headers={"accept": "text/html"})
    assert page.status_code in (200, 503)  # the login page itself needs no database
    monkeypatch.undo()
    assert (await client.get("/readyz")).status_code == 200


async def test_a_route_without_an_access_rule_is_refused(settings):
    from litestar import get
    from litestar.testing import AsyncTestClient

    from app.main import create_app

    @get("/unguarded")
    async def unguarded() -> str:
        return "secret"

    app = create_app(settings)
    app.register(unguarded)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as c:
        response = await c.get("/unguarded")
    assert response.status_code == 403 and "secret" not in response.text


@pytest.mark.parametrize(
    ("address", "truncated"),
    [("203.0.113.77", "203.0.113.0"), ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"),
     ("::ffff:198.51.100.9", "198.51.100.0"), ("garbage", ""), (None, "")],
)
def test_ip_truncation(address, truncated):
    assert truncate_ip(address) == truncated


def test_production_refuses_unsafe_settings():
    base = {"INTAKE_ENV": "production", "INTAKE_SECRET_KEY": "x" * 40,
            "DATABASE_URL": "postgresql://postgres@127.0.0.1/intake"}
    assert load_settings(base).is_production
    with pytest.raises(ConfigError, match="INTAKE_SECRET_KEY"):
        load_settings({**base, "INTAKE_SECRET_KEY": ""})
    with pytest.raises(ConfigError, match="INTAKE_DEBUG"):
        load_settings({**base, "INTAKE_DEBUG": "1"})
    with pytest.raises(ConfigError, match="INTAKE_COOKIE_SECURE"):
        load_settings({**base, "INTAKE_COOKIE_SECURE": "0"})
    with pytest.raises(ConfigError, match="ARGON2"):
        load_settings({**base, "INTAKE_ARGON2_PROFILE": "test"})


def test_production_app_refuses_to_start_without_a_secret():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import app.asgi"],
        env={"INTAKE_ENV": "production", "PATH": "/usr/bin:/bin",
             "DATABASE_URL": "postgresql://postgres@127.0.0.1/x"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "refusing to start in production" in result.stderr
    assert "INTAKE_SECRET_KEY" in result.stderr


async def test_the_openapi_schema_is_served_in_development_only_to_callers_allowed(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/kiosk" in response.text or response.json()["openapi"]


async def test_the_schema_is_data_and_no_page_the_csp_would_blank(client):
    """Litestar's API-docs pages need a CDN script and inline script, which the CSP forbids."""
    root = await client.get("/schema")
    assert root.status_code == 200
    assert root.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    assert root.json()["paths"]["/api/kiosk/sign-in"]
    for page in ("/schema/swagger", "/schema/redoc", "/schema/elements"):
        assert (await client.get(page)).status_code == 404, page


def test_templates_are_reloaded_from_disk_in_development_only(settings):
    import msgspec

    from app.main import create_app

    production = msgspec.structs.replace(settings, env="production")
    assert create_app(settings).template_engine.engine.auto_reload is True
    assert create_app(production).template_engine.engine.auto_reload is False


async def test_the_openapi_schema_is_staff_only_in_production(settings):
    import msgspec
    from litestar.testing import AsyncTestClient

    from app.main import create_app

    production = msgspec.structs.replace(settings, env="production", openapi_public=False)
    async with AsyncTestClient(app=create_app(production),
                               base_url="https://testserver.local") as c:
        c.follow_redirects = False
        response = await c.get("/schema/openapi.json", headers={"accept": "application/json"})
    assert response.status_code == 401


def test_sub_processors_and_transfers_come_from_the_environment():
    settings = load_settings({
        "INTAKE_SECRET_KEY": "x" * 40,
        "INTAKE_SUB_PROCESSORS": "CloudCo|hosting|Germany; MailCo|mail relay|Ireland",
        "INTAKE_TRANSFERS": "SupportCo|support tickets|USA|EU-US Data Privacy Framework",
    })
    assert [p.name for p in settings.sub_processors] == ["CloudCo", "MailCo"]
    assert settings.transfers[0].location == "USA"
    assert settings.transfers[0].safeguard == "EU-US Data Privacy Framework"


def test_start_up_objects_are_left_out_of_the_garbage_collectors_scans():
    """app.main._freeze_startup_objects: in a process of its own, as uvicorn runs the app."""
    import subprocess
    import sys

    script = (
        "import gc\n"
        "from litestar.testing import TestClient\n"
        "from app.main import create_app\n"
        "app = create_app()\n"
        "before = gc.get_freeze_count()\n"
        "with TestClient(app=app, base_url='https://testserver.local') as c:\n"
        "    c.get('/healthz')\n"
        "print(before, gc.get_freeze_count())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    before, after = int(out[-2]), int(out[-1])
    assert before == 0 and after > 10_000  # the modules and the app, frozen at start-up
