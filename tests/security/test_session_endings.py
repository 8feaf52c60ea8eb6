"""What ends sessions and links (issue 16, points 3 and 7): a password change or reset, or
turning two-factor login on or off, ends every other session of the account (one opened with
a one-time password or with a code included) and rotates the member's own; a newer reset or
invitation link voids the older ones; replacing the second factor needs the password and a
code from the key in use. And a candidate's earlier live session is refused after a new
sign-in in the same browser."""

import re
from datetime import timedelta

from app.clock import utcnow
from app.staff import services, totp, totp_secrets
from app.tables import OutboxMail, StaffMember, Token
from tests.factories import staff_member
from tests.helpers import csrf_from, form_token, login_staff, post_form

HOST = "testserver.local"
STAFF = "intake_staff"
LINK = re.compile(r"https?://\S+(/console/(?:reset|invite)/\S+)")


def _use(client, cookie: str | None, name: str = STAFF) -> None:
    client.cookies.clear()
    if cookie:
        client.cookies.set(name, cookie, domain=HOST)


async def _session(client, email: str, password: str, secret: str | None = None) -> str:
    """A fresh login in a 'browser' of its own; returns its session cookie."""
    client.cookies.clear()
    response = await login_staff(client, email, password)
    assert response.status_code == 303, response.text[:300]
    if secret:
        code = totp.code_at(secret, utcnow())
        assert (await post_form(client, "/console/login/code", {"code": code})).status_code == 303
    cookie = client.cookies.get(STAFF)
    assert cookie
    return cookie


async def _alive(client, cookie: str) -> bool:
    _use(client, cookie)
    response = await client.get("/console/two-factor")
    return response.status_code == 200


async def _turn_on(client, cookie: str, password: str, staff_id: int) -> tuple[str, str]:
    _use(client, cookie)
    secret = totp.new_secret()
    response = await post_form(client, "/console/two-factor/enable", {
        "secret": secret, "code": totp.code_at(secret, utcnow()), "password": password},
        token_from="/console/two-factor")
    assert response.status_code == 303, response.text[:500]
    return secret, client.cookies.get(STAFF)


async def test_a_password_change_ends_sessions_opened_with_the_one_time_password(client):
    _, one_time = await services.create_staff("new@example.org", "New", "hr", None,
                                                     utcnow())
    assert one_time
    other = await _session(client, "new@example.org", one_time)  # someone who saw it
    mine = await _session(client, "new@example.org", one_time)
    _use(client, mine)
    changed = await post_form(client, "/console/password", {
        "current_password": one_time, "new_password": "my own long passphrase",
        "confirm_password": "my own long passphrase"})
    assert changed.status_code == 303
    rotated = client.cookies.get(STAFF)
    assert rotated and rotated != mine
    assert (await client.get("/console")).status_code == 200  # the member goes on working
    assert not await _alive(client, mine)  # the old id of this browser
    assert not await _alive(client, other)  # every other session


async def test_a_password_change_ends_a_session_opened_with_a_code(client):
    staff_id, email, password = await staff_member("admin")
    first = await _session(client, email, password)
    secret, _ = await _turn_on(client, first, password, staff_id)
    with_code = await _session(client, email, password, secret)  # another browser, 2 factors
    # A code step is spent once: wait for the next one in the member's own browser.
    later = utcnow() + timedelta(seconds=totp.STEP)
    client.cookies.clear()
    await login_staff(client, email, password)
    await post_form(client, "/console/login/code", {"code": totp.code_at(secret, later)})
    mine = client.cookies.get(STAFF)
    assert mine and await _alive(client, mine) and await _alive(client, with_code)
    _use(client, mine)
    changed = await post_form(client, "/console/password", {
        "current_password": password, "new_password": "another long passphrase",
        "confirm_password": "another long passphrase"})
    assert changed.status_code == 303
    assert await _alive(client, client.cookies.get(STAFF))
    assert not await _alive(client, with_code)


async def test_turning_two_factor_on_and_off_ends_the_other_sessions(client):
    staff_id, email, password = await staff_member("admin")
    other = await _session(client, email, password)
    mine = await _session(client, email, password)
    secret, rotated = await _turn_on(client, mine, password, staff_id)
    assert rotated != mine and await _alive(client, rotated)
    assert not await _alive(client, mine) and not await _alive(client, other)

    other = await _session(client, email, password, secret)
    _use(client, rotated)
    off = await post_form(client, "/console/two-factor/disable", {
        "password": password,
        "current_code": totp.code_at(secret, utcnow() + timedelta(seconds=totp.STEP))},
        token_from="/console/two-factor")
    assert off.status_code == 303, off.text[:500]
    assert await _alive(client, client.cookies.get(STAFF))
    assert not await _alive(client, other) and not await _alive(client, rotated)


async def test_replacing_the_second_factor_needs_the_password_and_the_current_code(client):
    staff_id, email, password = await staff_member("admin")
    secret, cookie = await _turn_on(client, await _session(client, email, password), password,
                                    staff_id)
    _use(client, cookie)
    page = await client.get("/console/two-factor?replace=1")
    assert page.status_code == 200 and 'name="current_code"' in page.text
    token = csrf_from(page.text)
    thief = totp.new_secret()  # a session holder adding their own phone
    attempts = [
        {},  # neither: what the console allowed before
        {"password": password},  # the password alone
        {"current_code": totp.code_at(secret, utcnow())},  # the code alone
        {"password": "not the password at all", "current_code": totp.code_at(secret, utcnow())},
    ]
    for extra in attempts:
        refused = await client.post("/console/two-factor/enable", data={
            "secret": thief, "code": totp.code_at(thief, utcnow()), "_csrf_token": token,
            **extra})
        assert refused.status_code == 400, extra
    row = await StaffMember.select().where(StaffMember.id == staff_id).first()
    assert totp_secrets.unseal(row["totp_secret"], staff_id) == secret  # unchanged

    new = totp.new_secret()
    replaced = await client.post("/console/two-factor/enable", data={
        "secret": new, "code": totp.code_at(new, utcnow()), "password": password,
        "current_code": totp.code_at(secret, utcnow() + timedelta(seconds=totp.STEP)),
        "_csrf_token": token})
    assert replaced.status_code == 303, replaced.text[:500]
    row = await StaffMember.select().where(StaffMember.id == staff_id).first()
    assert totp_secrets.unseal(row["totp_secret"], staff_id) == new


async def _mailed_links(address: str) -> list[str]:
    rows = await OutboxMail.select().where(OutboxMail.to_address == address).order_by(
        OutboxMail.id)
    return [m.group(1) for r in rows if (m := LINK.search(r["body"]))]


async def test_a_reset_ends_every_session_and_a_newer_link_voids_the_older(client):
    _, email, password = await staff_member("hr")
    session = await _session(client, email, password)
    client.cookies.clear()
    for _ in range(2):
        assert (await post_form(client, "/console/reset", {"email": email})).status_code == 200
    older, newer = await _mailed_links(email)
    assert (await client.get(older)).status_code == 404
    token = await form_token(client, "/console/reset")
    voided = await client.post(older, data={"password": "a brand new passphrase",
                                            "_csrf_token": token})
    assert voided.status_code == 404
    done = await post_form(client, newer, {"password": "a brand new passphrase"})
    assert done.status_code == 303
    assert not await _alive(client, session)


async def test_a_password_change_voids_unused_reset_links(client):
    _, email, password = await staff_member("hr")
    client.cookies.clear()
    await post_form(client, "/console/reset", {"email": email})
    (link,) = await _mailed_links(email)
    mine = await _session(client, email, password)
    _use(client, mine)
    await post_form(client, "/console/password", {
        "current_password": password, "new_password": "another long passphrase",
        "confirm_password": "another long passphrase"})
    _use(client, None)
    assert (await client.get(link)).status_code == 404


async def test_a_newer_invitation_voids_the_older(client):
    _, email, password = await staff_member("admin")
    await _session(client, email, password)
    for role in ("hr", "reception"):
        sent = await post_form(client, "/console/staff/invite",
                               {"email": "newcomer@example.org", "role": role},
                               token_from="/console/staff")
        assert sent.status_code in (200, 303), sent.text[:300]
    older, newer = await _mailed_links("newcomer@example.org")
    _use(client, None)
    assert (await client.get(older)).status_code == 404
    assert (await client.get(newer)).status_code == 200


async def test_a_candidates_earlier_live_session_is_refused_after_a_new_sign_in(client, notices):
    from tests.portal.support import apply_via_portal, position_slug, sign_in

    await apply_via_portal(client, await position_slug(), email="cara@example.org")
    await sign_in(client, "cara@example.org")  # the first mailed link
    first = client.cookies.get("intake_candidate")
    assert first and (await client.get("/me")).status_code == 200
    # A second link, asked for and opened in the same browser while the first session lives
    # (a few minutes later: a candidate gets at most one link a minute).
    await Token.update({Token.created_at: utcnow() - timedelta(minutes=5)}, force=True)
    token = await form_token(client, "/me/signin")
    asked = await client.post("/me/signin", data={"email": "cara@example.org",
                                                  "_csrf_token": token})
    assert asked.status_code == 200
    await sign_in(client, "cara@example.org")
    second = client.cookies.get("intake_candidate")
    assert second and second != first
    assert (await client.get("/me")).status_code == 200
    _use(client, first, "intake_candidate")
    refused = await client.get("/me")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/me/signin")
