"""Staff login: session rotation, CSRF, equal answers, lockout, cookie flags, first admin."""

from datetime import timedelta

from app.clock import utcnow
from app.staff.services import ensure_first_admin
from app.staff.sessions import STAFF_ABSOLUTE, STAFF_IDLE, load_session, open_session
from app.tables import StaffMember
from tests.factories import staff_member
from tests.helpers import csrf_from, form_token, login_staff, post_form


async def test_login_rotates_the_session_and_the_old_cookie_is_refused(client):
    _, email, password = await staff_member("hr")
    first = await login_staff(client, email, password)
    assert first.status_code == 303
    old = client.cookies.get("intake_staff")
    assert old and (await client.get("/console")).status_code == 200

    # A second login (the same browser, a planted or stale id) gets a brand-new id...
    second = await login_staff(client, email, password)
    new = client.cookies.get("intake_staff")
    assert second.status_code == 303 and new and new != old
    # ...and the old id no longer opens anything.
    client.cookies.set("intake_staff", old, domain="testserver.local")
    response = await client.get("/console", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")


async def test_logout_ends_the_server_side_session(client):
    _, email, password = await staff_member("hr")
    await login_staff(client, email, password)
    token = client.cookies.get("intake_staff")
    page = await client.get("/console")
    await client.post("/console/logout", data={"_csrf_token": csrf_from(page.text)})
    assert await load_session(token, utcnow()) is None
    client.cookies.set("intake_staff", token, domain="testserver.local")
    assert (await client.get("/console", follow_redirects=False)).status_code == 303


async def test_a_form_post_without_csrf_token_is_refused(client):
    _, email, password = await staff_member("hr")
    await client.get("/console/login")
    response = await client.post("/console/login", data={"email": email, "password": password})
    assert response.status_code == 403
    assert "intake_staff" not in client.cookies


async def test_wrong_password_and_unknown_email_give_the_same_page(client):
    _, email, _ = await staff_member("hr")
    wrong = await login_staff(client, email, "not the password at all")
    unknown = await login_staff(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    strip = lambda html: html.replace(email, "").replace("nobody@example.org", "")  # noqa: E731
    assert csrf_from(wrong.text)
    body = lambda r: strip(r.text.split('name="_csrf_token"')[0])  # noqa: E731
    assert body(wrong) == body(unknown)
    assert "Wrong e-mail or password." in wrong.text


async def test_lockout_grows_after_repeated_failures(client):
    _, email, password = await staff_member("hr")
    statuses = [(await login_staff(client, email, "wrong password!!")).status_code
                for _ in range(6)]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    # Even the right password waits until the delay is over.
    locked = await login_staff(client, email, password)
    assert locked.status_code == 429
    assert "Too many attempts" in locked.text
    assert int(locked.headers["retry-after"]) > 0


async def test_session_cookie_flags(client):
    _, email, password = await staff_member("hr")
    response = await login_staff(client, email, password)
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith("intake_staff="))
    lowered = cookie.lower()
    assert "secure" in lowered and "httponly" in lowered and "samesite=lax" in lowered
    assert "path=/" in lowered
    client.cookies.clear()
    csrf = await client.get("/console/login")
    csrf_cookie = next(v for k, v in csrf.headers.multi_items() if k == "set-cookie"
                       and v.startswith("intake_csrf="))
    assert "secure" in csrf_cookie.lower() and "httponly" in csrf_cookie.lower()


async def test_idle_and_absolute_timeouts():
    staff_id, _, _ = await staff_member("hr")
    start = utcnow()
    token = await open_session(start, staff_id=staff_id)
    assert await load_session(token, start + STAFF_IDLE - timedelta(seconds=5)) is not None
    # Idle: 30 minutes after the last request the session is gone for good.
    assert await load_session(token, start + STAFF_IDLE * 2) is None
    assert await load_session(token, start + timedelta(minutes=1)) is None

    token = await open_session(start, staff_id=staff_id)
    moment = start
    while moment < start + STAFF_ABSOLUTE - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        assert await load_session(token, moment) is not None
    # Absolute: ten hours after login, however active.
    assert await load_session(token, start + STAFF_ABSOLUTE) is None


async def test_first_admin_must_choose_a_new_password(client):
    created = await ensure_first_admin(utcnow())
    assert created is not None
    email, one_time = created
    assert await ensure_first_admin(utcnow()) is None  # a second run creates nobody
    response = await login_staff(client, email, one_time)
    assert response.headers["location"] == "/console/password"
    blocked = await client.get("/console", follow_redirects=False)
    assert blocked.headers["location"] == "/console/password"
    changed = await post_form(client, "/console/password", {
        "current_password": one_time, "new_password": "a brand new admin password",
        "confirm_password": "a brand new admin password"})
    assert changed.status_code == 303
    home = await client.get("/console")
    assert home.status_code == 200 and "Welcome" in home.text
    row = await StaffMember.select().where(StaffMember.email == email).first()
    assert row["must_change_password"] is False
    assert row["password_hash"].startswith("$argon2id$")


async def test_role_guard_refuses_other_roles(client):
    _, email, password = await staff_member("reception")
    await login_staff(client, email, password)
    assert (await client.get("/console/staff")).status_code == 403
    assert (await client.get("/console")).status_code == 200


async def test_a_corrupt_stored_hash_is_a_failed_login_not_a_500(client):
    staff_id, email, password = await staff_member("hr")
    await StaffMember.update({StaffMember.password_hash: "$argon2id$garbage"}).where(
        StaffMember.id == staff_id)
    response = await login_staff(client, email, password)
    assert response.status_code == 400 and "Wrong e-mail or password." in response.text


async def test_open_redirect_after_login_is_refused(client):
    _, email, password = await staff_member("hr")
    token = await form_token(client, "/console/login")
    response = await client.post("/console/login", data={
        "email": email, "password": password, "next": "//evil.example/", "_csrf_token": token})
    assert response.headers["location"] == "/console"
