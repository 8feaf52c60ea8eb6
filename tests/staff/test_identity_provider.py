"""Staff sign-in through the company's identity provider (issue 18.5), against a real OpenID
Connect provider on loopback (tests/staff/sso_support.py says which and why): the role from a
directory group, a wrong state, a replayed code, an unverified e-mail, a group that maps to no
role, sign-out at the provider, and the pages in Danish."""

import json
import logging
import re
from urllib.parse import parse_qs, urlsplit

import httpx

from app.tables import Session, StaffMember, Token
from tests.factories import staff_member
from tests.helpers import form_token
from tests.staff.sso_support import (
    BASE,
    audited,
    person,
    provider_answer,
    signed_in_role,
    sso_client,
    sso_settings,
)


async def test_a_directory_group_decides_the_role_and_the_provider_replaces_the_second_factor(
    app_client, provider
):
    staff_id, email, _ = await staff_member("reception", "hanne@example.com")
    # Intake's own TOTP is on for her: a sign-in through the provider skips it (the provider
    # does the second factor).
    await StaffMember.update({StaffMember.totp_secret: "sealed"}).where(StaffMember.id == staff_id)
    person(provider, "hanne", email=email, email_verified=True, groups=["hr-group"])
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
    person(provider, "rasmus", email="Rasmus@Example.com", email_verified=True,
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
    person(provider, "hanne", email="hanne@example.com", email_verified=True,
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
    person(provider, "hanne", email="hanne@example.com", email_verified=True,
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
    assert "could not confirm the answer from Example ID" in refused.text
    assert len(await audited("staff.signed_in")) == 1


async def test_an_unverified_e_mail_is_refused_with_a_clear_page(app_client, provider):
    await staff_member("admin", "boss@example.com")
    person(provider, "mallory", email="boss@example.com", email_verified=False,
                 groups=["it-admins"])  # fmt: skip
    refused = await app_client.get(await provider_answer(app_client, "mallory"))
    assert refused.status_code == 403
    assert "did not confirm that your e-mail address is verified" in refused.text
    assert await Session.count() == 0 and await signed_in_role(app_client) is None


async def test_a_group_that_maps_to_no_role_is_refused(app_client, provider):
    staff_id, email, _ = await staff_member("hr", "hanne@example.com")
    person(provider, "hanne", email=email, email_verified=True, groups=["marketing"])
    refused = await app_client.get(await provider_answer(app_client, "hanne"))
    assert refused.status_code == 403 and "None of your groups at Example ID" in refused.text
    assert await Session.count() == 0
    member = await StaffMember.select().where(StaffMember.id == staff_id).first()
    assert member["role"] == "hr"  # refused, not changed
    assert [a["reason"] for a in await audited("staff.sign_in_refused")] == [
        "identity provider: no mapped group"
    ]
    # a stranger with no mapped group gets no account either
    person(provider, "eve", email="eve@example.com", email_verified=True, groups=[])
    assert (await app_client.get(await provider_answer(app_client, "eve"))).status_code == 403
    assert await StaffMember.count() == 1


async def test_sign_out_ends_the_session_here_and_at_the_provider(app_client, provider):
    await staff_member("reception", "rie@example.com")
    person(provider, "rie", email="rie@example.com", email_verified=True,
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


async def test_the_button_the_refusal_and_the_sign_out_speak_danish(app_client, provider):
    login = await app_client.get("/console/login?lang=da&next=/console/hosts")
    assert "Log ind med Example ID" in login.text
    assert 'href="/console/login/sso?next=/console/hosts"' in login.text
    person(provider, "eve", email="eve@example.com", email_verified=True, groups=["x"])
    refused = await app_client.get(await provider_answer(app_client, "eve"))
    assert "Ingen af dine grupper hos Example ID giver adgang til Intake." in refused.text
    await staff_member("reception", "rie@example.com")
    person(provider, "rie", email="rie@example.com", email_verified=True,
           groups=["reception-group"])  # fmt: skip
    assert (await app_client.get(await provider_answer(app_client, "rie"))).status_code == 303
    token = await form_token(app_client, "/console")
    out = await app_client.post("/console/logout", data={"_csrf_token": token})
    assert "Du er logget ud af Intake. Nu logger vi dig også ud af Example ID." in out.text
    assert "Fortsæt til Example ID" in out.text


async def test_a_sign_in_logs_no_personal_data_and_no_secret_even_in_debug(provider, caplog):
    caplog.set_level(logging.DEBUG)
    await staff_member("hr", "hanne.logged@example.com")
    person(provider, "hanne", email="hanne.logged@example.com", email_verified=True,
           groups=["hr-group"])  # fmt: skip
    async for client in sso_client(sso_settings(provider, INTAKE_DEBUG="1")):
        caplog.clear()  # from here on, what the app (and the libraries it calls) logs
        callback = await provider_answer(client, "hanne")
        assert (await client.get(callback)).status_code == 303
    pending = await Token.select().where(Token.purpose == "sso_sign_in").first()
    payload = pending["payload"]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    session = await Session.select().first()
    code = parse_qs(urlsplit(callback).query)["code"][0]
    # the provider runs in this process too: its own log lines are the provider's, not ours
    ours = [r for r in caplog.records if not r.name.startswith(("werkzeug", "oidc_provider_mock"))]
    assert ours  # the app did log (with the level at DEBUG)
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args}" for r in ours)
    for secret in ("hanne.logged@example.com", payload["code_verifier"], payload["nonce"],
                   code, session["id_token"]):  # fmt: skip
        assert secret not in logged
