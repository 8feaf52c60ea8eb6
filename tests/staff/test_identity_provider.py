"""Staff sign-in through the company's identity provider (issue 18.5), against a real OpenID
Connect provider on loopback: oidc-provider-mock (PyPI), an authlib-based server that publishes
a discovery document and JWKS, signs ID tokens (RS256), spends each code once, takes any claims
per user (groups, email_verified false) and has an end_session_endpoint. It runs in a thread
of this process; the app talks to it over real HTTP, and so does the "browser" (httpx) that
fills in its sign-in form."""

import os
import re
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from litestar.testing import AsyncTestClient
from oidc_provider_mock import run_server_in_thread

from app.config import load_settings
from app.main import create_app
from app.tables import AuditEvent, OutboxMail, Session, StaffMember
from tests.factories import staff_member
from tests.helpers import form_token, login_staff

BASE = "https://testserver.local"
ROLE_MAP = "it-admins=admin,hr-group=hr,reception-group=reception"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    # require_nonce: the provider refuses an authorization request without one.
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


async def _client(settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[no-untyped-def]
    async with AsyncTestClient(app=create_app(settings), base_url=BASE) as c:
        c.follow_redirects = False
        yield c


@pytest.fixture
async def app_client(provider: str) -> AsyncIterator[AsyncTestClient]:
    async for c in _client(sso_settings(provider)):
        yield c


@pytest.fixture
async def only_client(provider: str) -> AsyncIterator[AsyncTestClient]:
    async for c in _client(sso_settings(provider, INTAKE_OIDC_ONLY="1")):
        yield c


async def person(provider: str, sub: str, **claims: object) -> None:
    """The person as the company's directory knows them."""
    async with httpx.AsyncClient() as idp:
        response = await idp.put(f"{provider}/users/{sub}", json=claims)
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
    return found.group(1).strip() if found else "?"


async def audited(action: str) -> list[dict]:
    return await AuditEvent.select().where(AuditEvent.action == action)


async def test_a_directory_group_decides_the_role_and_the_provider_replaces_the_second_factor(
    app_client, provider
):
    staff_id, email, _ = await staff_member("reception", "hanne@example.com")
    # Intake's own TOTP is on for her: a sign-in through the provider skips it (the provider
    # does the second factor).
    await StaffMember.update({StaffMember.totp_secret: "sealed"}).where(StaffMember.id == staff_id)
    await person(provider, "hanne", email=email, email_verified=True, groups=["hr-group"])
    done = await app_client.get(await provider_answer(app_client, "hanne", "/console/positions"))
    assert done.status_code == 303 and done.headers["location"] == "/console/positions"
    assert await signed_in_role(app_client) == "hr"  # moved to HR in the directory
    member = await StaffMember.select().where(StaffMember.id == staff_id).first()
    assert member["role"] == "hr" and member["last_login_at"] is not None
    signed = await audited("staff.signed_in")
    assert [(a["actor_id"], a["reason"]) for a in signed] == [(staff_id, "identity provider")]
    assert [a["reason"] for a in await audited("staff.updated")] == [
        "role=hr from the identity provider"
    ]


async def test_an_unknown_colleague_in_a_mapped_group_gets_an_account_without_a_password(
    app_client, provider
):
    await person(provider, "rasmus", email="Rasmus@Example.com", email_verified=True,
                 name="Rasmus Reception", groups=["staff", "reception-group", "hr-group"])  # fmt: skip
    done = await app_client.get(await provider_answer(app_client, "rasmus"))
    assert done.status_code == 303
    # hr-group comes before reception-group in the setting: the first that maps decides
    assert await signed_in_role(app_client) == "hr"
    member = await StaffMember.select().where(StaffMember.email == "rasmus@example.com").first()
    assert member["display_name"] == "Rasmus Reception" and member["sso_only"]
    assert member["password_hash"] is None
    # no password or second factor of Intake's to manage: the provider keeps both
    console = (await app_client.get("/console")).text
    assert 'href="/console/password"' not in console and "/console/two-factor" not in console
    assert len(await audited("staff.provisioned")) == 1


async def test_a_wrong_state_or_another_browser_opens_nothing(app_client, provider):
    await staff_member("hr", "hanne@example.com")
    await person(provider, "hanne", email="hanne@example.com", email_verified=True,
                 groups=["hr-group"])  # fmt: skip
    callback = await provider_answer(app_client, "hanne")
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    refused = await app_client.get(forged)
    assert refused.status_code == 400 and "not started in this browser" in refused.text
    # the right state, but from a browser that did not start the sign-in (login CSRF)
    app_client.cookies.delete("intake_sso_state")
    assert (await app_client.get(callback)).status_code == 400
    assert await Session.count() == 0 and not await audited("staff.signed_in")


async def test_a_replayed_code_is_refused(app_client, provider):
    await staff_member("hr", "hanne@example.com")
    await person(provider, "hanne", email="hanne@example.com", email_verified=True,
                 groups=["hr-group"])  # fmt: skip
    first = await provider_answer(app_client, "hanne")
    assert (await app_client.get(first)).status_code == 303
    # the same answer again: its state is spent
    assert (await app_client.get(first)).status_code == 400
    # the old code under a fresh, valid state: the provider itself refuses it
    code = parse_qs(urlsplit(first).query)["code"][0]
    fresh = await provider_answer(app_client, "hanne")
    replay = re.sub(r"code=[^&]+", f"code={code}", fresh)
    refused = await app_client.get(replay)
    assert refused.status_code == 400, refused.text[:300]
    assert len(await audited("staff.signed_in")) == 1


async def test_an_unverified_e_mail_is_refused_with_a_clear_page(app_client, provider):
    await staff_member("admin", "boss@example.com")
    await person(provider, "mallory", email="boss@example.com", email_verified=False,
                 groups=["it-admins"])  # fmt: skip
    refused = await app_client.get(await provider_answer(app_client, "mallory"))
    assert refused.status_code == 403
    assert "did not confirm that your e-mail address is verified" in refused.text
    assert await Session.count() == 0 and await signed_in_role(app_client) is None


async def test_a_group_that_maps_to_no_role_is_refused(app_client, provider):
    staff_id, email, _ = await staff_member("hr", "hanne@example.com")
    await person(provider, "hanne", email=email, email_verified=True, groups=["marketing"])
    refused = await app_client.get(await provider_answer(app_client, "hanne"))
    assert refused.status_code == 403 and "None of your groups at Example ID" in refused.text
    assert await Session.count() == 0
    member = await StaffMember.select().where(StaffMember.id == staff_id).first()
    assert member["role"] == "hr"  # refused, not changed
    assert [a["reason"] for a in await audited("staff.sign_in_refused")] == [
        "identity provider: no mapped group"
    ]
    # a stranger with no mapped group gets no account either
    await person(provider, "eve", email="eve@example.com", email_verified=True, groups=[])
    assert (await app_client.get(await provider_answer(app_client, "eve"))).status_code == 403
    assert await StaffMember.count() == 1


async def test_once_signed_in_through_the_provider_the_password_is_refused(only_client, provider):
    _, email, password = await staff_member("hr", "hanne@example.com")
    # before: the password works (and is audited as a sign-in)
    assert (await login_staff(only_client, email, password)).status_code == 303
    assert [a["reason"] for a in await audited("staff.signed_in")] == ["password"]
    await person(provider, "hanne", email=email, email_verified=True, groups=["hr-group"])
    assert (await only_client.get(await provider_answer(only_client, "hanne"))).status_code == 303
    only_client.cookies.clear()
    refused = await login_staff(only_client, email, password)
    assert refused.status_code == 400
    assert (
        "signs in with the button above" in refused.text
        and "Sign in with Example ID" in refused.text
    )
    wrong = await login_staff(only_client, email, "not-the-password-at-all")
    assert "Wrong e-mail or password" in wrong.text  # no hint to whoever lacks the password
    # password reset: the same page, and a mail pointing to the button instead of a link
    token = await form_token(only_client, "/console/reset")
    sent = await only_client.post("/console/reset", data={"email": email, "_csrf_token": token})
    assert sent.status_code == 200
    mails = await OutboxMail.select().where(OutboxMail.to_address == email)
    assert len(mails) == 1 and "has no Intake password" in mails[0]["body"]
    assert "/console/reset/" not in mails[0]["body"]


async def test_sign_out_ends_the_session_here_and_at_the_provider(app_client, provider):
    await staff_member("reception", "rie@example.com")
    await person(provider, "rie", email="rie@example.com", email_verified=True,
                 groups=["reception-group"])  # fmt: skip
    assert (await app_client.get(await provider_answer(app_client, "rie"))).status_code == 303
    token = await form_token(app_client, "/console")
    out = await app_client.post("/console/logout", data={"_csrf_token": token})
    assert out.status_code == 200 and await Session.count() == 0
    assert await signed_in_role(app_client) is None
    end_session = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', out.text)
    assert end_session, out.text[:500]
    url = end_session.group(1).replace("&amp;", "&")
    assert url.startswith(f"{provider}/oauth2/end_session?")
    query = parse_qs(urlsplit(url).query)
    assert query["post_logout_redirect_uri"] == [f"{BASE}/console/login?signed_out=1"]
    assert query["id_token_hint"][0].count(".") == 2 and query["client_id"] == ["intake"]
    async with httpx.AsyncClient() as browser:
        confirm = await browser.get(url)
        assert confirm.status_code == 200
        action = re.search(r'action="([^"]+)"', confirm.text)
        redirect = re.search(r'name="redirect_uri" value="([^"]+)"', confirm.text)
        assert action and redirect
        back = await browser.post(
            f"{provider}{action.group(1)}",
            data={"redirect_uri": redirect.group(1).replace("&amp;", "&")},
        )
    assert back.status_code == 302
    assert back.headers["location"].startswith(f"{BASE}/console/login?signed_out=1")


async def test_a_password_session_signs_out_here_only(app_client):
    _, email, password = await staff_member("hr", "hanne@example.com")
    await login_staff(app_client, email, password)
    token = await form_token(app_client, "/console")
    out = await app_client.post("/console/logout", data={"_csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/console/login"


async def test_the_button_and_the_refusal_speak_danish(app_client, provider):
    login = await app_client.get("/console/login?lang=da&next=/console/hosts")
    assert "Log ind med Example ID" in login.text
    assert 'href="/console/login/sso?next=/console/hosts"' in login.text
    await person(provider, "eve", email="eve@example.com", email_verified=True, groups=["x"])
    refused = await app_client.get(await provider_answer(app_client, "eve"))
    assert "Ingen af dine grupper hos Example ID giver adgang til Intake." in refused.text
