"""Passwords next to the company's identity provider (issue 18.5): turned off once a colleague
signs in through it (INTAKE_OIDC_ONLY) or by an admin for one colleague; the PKCE challenge
the provider is sent; a provider that cannot be reached; the limit on starting a sign-in; a
role map that names no role; an account an admin disabled."""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from app.config import ConfigError
from app.tables import OutboxMail, StaffMember, Token
from tests.conftest import free_port
from tests.factories import staff_member
from tests.helpers import away_from_the_minutes_end, form_token, login_staff
from tests.staff.sso_support import (
    audited,
    person,
    provider_answer,
    sso_client,
    sso_settings,
)


async def test_once_signed_in_through_the_provider_the_password_is_refused(only_client, provider):
    _, email, password = await staff_member("hr", "hanne@example.com")
    # before: the password works (and is audited as a sign-in)
    assert (await login_staff(only_client, email, password)).status_code == 303
    assert [a["reason"] for a in await audited("staff.signed_in")] == ["password"]
    person(provider, "hanne", email=email, email_verified=True, groups=["hr-group"])
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


async def test_a_password_session_signs_out_here_only(app_client):
    _, email, password = await staff_member("hr", "hanne@example.com")
    await login_staff(app_client, email, password)
    token = await form_token(app_client, "/console")
    out = await app_client.post("/console/logout", data={"_csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/console/login"


async def test_the_challenge_is_the_s256_of_the_verifier_kept_for_the_token_request(app_client):
    start = await app_client.get("/console/login/sso")
    query = parse_qs(urlsplit(start.headers["location"]).query)
    pending = await Token.select().where(Token.purpose == "sso_sign_in").first()
    payload = pending["payload"]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    verifier = payload["code_verifier"]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert query["code_challenge"] == [digest.decode().rstrip("=")]  # RFC 7636, 4.2
    assert payload["nonce"] == query["nonce"][0] and len(verifier) >= 43
    # the state itself is kept only hashed; the browser has it in its cookie
    assert pending["token_hash"] != query["state"][0]
    assert app_client.cookies.get("intake_sso_state") == query["state"][0]


async def test_an_admin_can_turn_one_colleagues_password_off(app_client, provider):
    _, admin_email, admin_password = await staff_member("admin", "boss@example.com")
    hr_id, hr_email, hr_password = await staff_member("hr", "hanne@example.com")
    await login_staff(app_client, admin_email, admin_password)
    staff_page = await app_client.get("/console/staff")
    assert "Signs in only with Example ID" in staff_page.text
    token = await form_token(app_client, "/console/staff")
    saved = await app_client.post(
        f"/console/staff/{hr_id}",
        data={"role": "hr", "sso_only": "true", "sso_only_shown": "true", "_csrf_token": token},
    )
    assert saved.status_code == 303
    app_client.cookies.clear()
    refused = await login_staff(app_client, hr_email, hr_password)
    assert "signs in with the button above" in refused.text
    # the same form without the box ticked turns the password on again
    await login_staff(app_client, admin_email, admin_password)
    token = await form_token(app_client, "/console/staff")
    await app_client.post(
        f"/console/staff/{hr_id}",
        data={"role": "hr", "sso_only_shown": "true", "_csrf_token": token},
    )
    app_client.cookies.clear()
    assert (await login_staff(app_client, hr_email, hr_password)).status_code == 303


async def test_a_provider_that_cannot_be_reached_gets_a_clear_page():
    settings = sso_settings(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    async for client in sso_client(settings):
        answer = await client.get("/console/login/sso")
        assert answer.status_code == 503 and "cannot be reached just now" in answer.text


async def test_the_sign_in_start_is_rate_limited_like_the_login_form(app_client):
    # each start keeps a pending state: a client may start 30 a minute, as it may post logins
    away_from_the_minutes_end()
    answers = [(await app_client.get("/console/login/sso")).status_code for _ in range(31)]
    assert answers[:30] == [303] * 30 and answers[30] == 429
    assert await Token.count().where(Token.purpose == "sso_sign_in") == 30


@pytest.mark.parametrize("role_map", ["hr-group=hr,sales=superuser", "hr-group", "=hr"])
def test_a_role_map_naming_no_intake_role_refuses_to_start(role_map):
    with pytest.raises(ConfigError, match="INTAKE_OIDC_ROLE_MAP"):
        sso_settings("https://idp.example.com", INTAKE_OIDC_ROLE_MAP=role_map)


async def test_a_disabled_account_stays_shut_whatever_the_provider_says(app_client, provider):
    staff_id, email, _ = await staff_member("hr", "hanne@example.com")
    await StaffMember.update({StaffMember.disabled: True}).where(StaffMember.id == staff_id)
    person(provider, "hanne", email=email, email_verified=True, groups=["it-admins"])
    refused = await app_client.get(await provider_answer(app_client, "hanne"))
    assert refused.status_code == 403 and "account is turned off" in refused.text
    member = await StaffMember.select().where(StaffMember.id == staff_id).first()
    assert member["role"] == "hr" and member["disabled"]
    assert [a["reason"] for a in await audited("staff.sign_in_refused")] == [
        "identity provider: disabled"
    ]
