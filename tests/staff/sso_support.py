"""The company's identity provider for the staff sign-in tests (issue 18.5): oidc-provider-mock
(PyPI), a real OpenID Connect server built on authlib, run on loopback in a thread of the test
process. It publishes a discovery document and JWKS, signs ID tokens (RS256), spends each
code once, takes any claims per person (groups, email_verified false) and has an
end_session_endpoint; the app talks to it over real HTTP, and so does the "browser" (httpx)
that fills in its sign-in form.

Why this one and not `oidc-provider` from npm: it installs with the other test packages
(`make install-test`), with no node step, and does everything these tests ask of a provider.
What it does not do: enforce PKCE (so a test checks our challenge against our verifier,
RFC 7636 4.2), check the id_token_hint at end_session, or ask for a password (its form takes
a subject)."""

import os
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import httpx
from litestar.testing import AsyncTestClient
from oidc_provider_mock import run_server_in_thread

from app.config import load_settings
from app.main import create_app
from app.tables import AuditEvent

BASE = "https://testserver.local"
ROLE_MAP = "it-admins=admin,hr-group=hr,reception-group=reception"


@contextmanager
def running_provider() -> Iterator[str]:
    """The provider's issuer URL while it runs. require_nonce: it refuses an authorization
    request without one."""
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def sso_settings(provider: str, **extra: str):  # type: ignore[no-untyped-def]
    return load_settings(
        {
            **os.environ,
            "INTAKE_OIDC_ISSUER": provider,
            "INTAKE_OIDC_CLIENT_ID": "intake",
            "INTAKE_OIDC_CLIENT_SECRET": "intake-secret",
            "INTAKE_OIDC_ROLE_MAP": ROLE_MAP,
            "INTAKE_OIDC_LABEL": "Example ID",
            **extra,
        }
    )


async def sso_client(settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[no-untyped-def]
    async with AsyncTestClient(app=create_app(settings), base_url=BASE) as c:
        c.follow_redirects = False
        yield c


def person(provider: str, sub: str, **claims: object) -> None:
    """The person as the company's directory knows them."""
    response = httpx.put(f"{provider}/users/{sub}", json=claims)  # the provider's own thread
    assert response.status_code == 204


async def provider_answer(client: AsyncTestClient, sub: str, next_url: str = "/console") -> str:
    """Press the button, sign in at the provider as `sub`: the callback path it sends back."""
    start = await client.get(f"/console/login/sso?next={next_url}")
    assert start.status_code == 303, start.text[:300]
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    async with httpx.AsyncClient() as browser:
        form = await browser.get(authorize)
        assert form.status_code == 200 and 'name="sub"' in form.text
        answer = await browser.post(authorize, data={"sub": sub})
    assert answer.status_code == 302, answer.text[:300]
    callback = answer.headers["location"]
    assert callback.startswith(f"{BASE}/console/login/sso/callback?")
    return callback.removeprefix(BASE)


async def signed_in_role(client: AsyncTestClient) -> str | None:
    page = await client.get("/console")
    if page.status_code != 200:
        return None
    found = re.search(r'class="who">[^<]*· ([^<]+)</span>', page.text)
    # The header names the role in words (HR, Admin, Reception); the tests speak in its key.
    labels = {"HR": "hr", "Admin": "admin", "Reception": "reception"}
    return labels.get(found.group(1).strip(), "?") if found else "?"


async def audited(action: str) -> list[dict]:
    return await AuditEvent.select().where(AuditEvent.action == action)
