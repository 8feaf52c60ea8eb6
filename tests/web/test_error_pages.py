"""Friendly error pages with a correlation id; no stack trace leaves the server."""

import logging

from litestar import get
from litestar.testing import AsyncTestClient

from app.main import create_app
from app.web.access import public


@get("/explode", opt=public())
async def explode() -> str:
    planted = "jane.doe" + "@example.org"  # built at run time: only the message carries it
    raise RuntimeError(f"secret internal detail {planted}")


async def test_an_unexpected_error_is_a_plain_500_page_with_a_reference(settings, caplog):
    app = create_app(settings)
    app.register(explode)
    caplog.set_level(logging.ERROR)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as c:
        response = await c.get("/explode")
    assert response.status_code == 500
    rid = response.headers["x-request-id"]
    assert rid in response.text and "Something went wrong on our side" in response.text
    assert "Traceback" not in response.text and "secret internal detail" not in response.text
    assert "content-security-policy" in response.headers
    # The log has the id to find it by, and not the exception's text (it may hold personal data).
    assert any(rid in record.getMessage() for record in caplog.records)
    assert "jane.doe@example.org" not in caplog.text


async def test_a_body_over_the_limit_is_a_413_page(client):
    response = await client.post("/console/login", content=b"x" * (12 * 1024 * 1024),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "content-security-policy" in response.headers


async def test_forbidden_and_method_errors_are_pages_not_traces(client):
    response = await client.get("/console/staff", headers={"accept": "text/html"})
    assert response.status_code == 303  # anonymous: to the login page
    wrong_method = await client.delete("/console/login")
    assert wrong_method.status_code in (403, 405)
    assert "Traceback" not in wrong_method.text


async def test_a_404_without_details_shows_no_catalogue_header(client):
    """gettext("") is the catalogue's header: a 404 with no detail showed it on the page."""
    for language in ("en", "da"):
        page = await client.get("/metrics", headers={"accept": "text/html",
                                                     "accept-language": language})
        assert page.status_code == 404
        assert "Project-Id-Version" not in page.text and "Content-Type: text/plain" not in page.text
