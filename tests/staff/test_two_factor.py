"""Two-factor login: with TOTP on, a correct password alone opens nothing."""

from datetime import timedelta

from app.clock import utcnow
from app.staff import totp, totp_secrets
from app.tables import StaffMember
from tests.factories import staff_member
from tests.helpers import form_token, login_staff, post_form


async def _enable(client, password: str) -> str:
    await login_staff(client, *password)
    token = await form_token(client, "/console/two-factor")
    secret = totp.new_secret()
    wrong = await client.post("/console/two-factor/enable", data={
        "secret": secret, "code": "000000" if totp.code_at(secret, utcnow()) != "000000"
        else "111111", "password": password[1], "_csrf_token": token})
    assert wrong.status_code == 400 and "This code is not right" in wrong.text
    no_password = await client.post("/console/two-factor/enable", data={
        "secret": secret, "code": totp.code_at(secret, utcnow()), "password": "not mine at all",
        "_csrf_token": token})
    assert no_password.status_code == 400 and "This is not your current password" in \
        no_password.text
    ok = await client.post("/console/two-factor/enable", data={
        "secret": secret, "code": totp.code_at(secret, utcnow()), "password": password[1],
        "_csrf_token": token})
    assert ok.status_code == 303
    return secret


async def test_login_with_two_factor(client):
    staff_id, email, password = await staff_member("admin")
    secret = await _enable(client, (email, password))
    row = await StaffMember.select().where(StaffMember.id == staff_id).first()
    assert row["totp_secret"] != secret and len(row["totp_secret"]) == 64  # sealed at rest
    assert totp_secrets.unseal(row["totp_secret"], staff_id) == secret

    client.cookies.clear()
    step_one = await login_staff(client, email, password)
    assert step_one.headers["location"].startswith("/console/login/code")
    assert "intake_staff" not in client.cookies  # no session yet
    assert (await client.get("/console")).status_code == 303

    wrong = await post_form(client, "/console/login/code", {"code": "12345x"})
    assert wrong.status_code == 400 and "intake_staff" not in client.cookies
    right = await post_form(client, "/console/login/code",
                            {"code": totp.code_at(secret, utcnow())})
    assert right.status_code == 303 and right.headers["location"] == "/console"
    assert (await client.get("/console")).status_code == 200


async def test_the_code_page_without_a_password_step_opens_nothing(client):
    response = await post_form(client, "/console/login/code", {"code": "123456"})
    assert response.status_code == 404
    assert "intake_staff" not in client.cookies


async def test_turning_two_factor_off_needs_the_password_and_a_fresh_code(client):
    _, email, password = await staff_member("admin")
    await _enable(client, (email, password))
    client.cookies.clear()
    await login_staff(client, email, password)
    # (the session is not open yet; sign in fully through the code step)
    row = await StaffMember.select().where(StaffMember.email == email).first()
    secret = totp_secrets.unseal(row["totp_secret"], row["id"])
    await post_form(client, "/console/login/code", {"code": totp.code_at(secret, utcnow())})
    token = await form_token(client, "/console/two-factor")
    code = totp.code_at(secret, utcnow() + timedelta(seconds=totp.STEP))  # not the login's
    refused = await client.post("/console/two-factor/disable", data={
        "password": "not my password at all", "current_code": code, "_csrf_token": token})
    assert refused.status_code == 400
    no_code = await client.post("/console/two-factor/disable", data={
        "password": password, "current_code": "", "_csrf_token": token})
    assert no_code.status_code == 400
    done = await client.post("/console/two-factor/disable", data={
        "password": password, "current_code": code, "_csrf_token": token})
    assert done.status_code == 303
    row = await StaffMember.select().where(StaffMember.email == email).first()
    assert row["totp_secret"] is None


async def _password_step(client, email: str, password: str) -> None:
    client.cookies.clear()
    step_one = await login_staff(client, email, password)
    assert step_one.headers["location"].startswith("/console/login/code")


async def test_a_code_that_logged_in_once_does_not_log_in_again(client):
    _, email, password = await staff_member("admin")
    secret = await _enable(client, (email, password))
    code = totp.code_at(secret, utcnow())
    await _password_step(client, email, password)
    assert (await post_form(client, "/console/login/code", {"code": code})).status_code == 303

    # Someone who saw the code, with the password, within its 90 seconds (RFC 6238 5.2).
    await _password_step(client, email, password)
    replay = await post_form(client, "/console/login/code", {"code": code})
    assert replay.status_code == 400 and "This code was used already" in replay.text
    assert "intake_staff" not in client.cookies


async def test_wrong_codes_lock_the_code_step_for_a_while(client):
    _, email, password = await staff_member("admin")
    secret = await _enable(client, (email, password))
    await _password_step(client, email, password)
    right = totp.code_at(secret, utcnow())
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):  # four free failures, then a wait: counted after each rollback
        assert (await post_form(client, "/console/login/code", {"code": wrong})).status_code == 400
    locked = await post_form(client, "/console/login/code", {"code": right})
    assert locked.status_code == 429
    assert "intake_staff" not in client.cookies


async def test_a_sealed_secret_opens_only_its_own_account_and_an_old_plain_one_still_works(client):
    first, email, password = await staff_member("admin")
    second, other_email, other_password = await staff_member("admin", "second@example.org")
    secret = totp.new_secret()
    sealed = totp_secrets.seal(secret, first)
    # Copied onto another account (a database edit), it opens nothing there.
    await StaffMember.update({StaffMember.totp_secret: sealed}).where(StaffMember.id == second)
    await _password_step(client, other_email, other_password)
    copied = await post_form(client, "/console/login/code", {"code": totp.code_at(secret, utcnow())})
    assert copied.status_code == 400 and "intake_staff" not in client.cookies

    # A secret stored before sealing (32 base32 characters) still logs in.
    await StaffMember.update({StaffMember.totp_secret: secret}).where(StaffMember.id == first)
    await _password_step(client, email, password)
    plain = await post_form(client, "/console/login/code", {"code": totp.code_at(secret, utcnow())})
    assert plain.status_code == 303
