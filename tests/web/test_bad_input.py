"""Bad input on the foundation's forms: a message beside the field, what was typed kept
(never a password), and never a 500."""

import pytest

from app.tables import StaffMember
from tests.factories import staff_member
from tests.helpers import form_token, login_staff

HOSTILE = ["", "a" * 100_000, "nul\x00byte", "\u202e\u0000\ud7ff", "😀" * 300, "' OR 1=1 --",
           "<script>alert(1)</script>"]


@pytest.mark.parametrize("value", HOSTILE)
async def test_login_form_never_500s(client, value):
    token = await form_token(client, "/console/login")
    response = await client.post("/console/login", data={
        "email": value, "password": value, "_csrf_token": token})
    assert response.status_code in (400, 429)
    assert "<script>alert(1)</script>" not in response.text


async def test_login_form_keeps_the_email_but_never_the_password(client):
    token = await form_token(client, "/console/login")
    response = await client.post("/console/login", data={
        "email": "not-an-email", "password": "secret-typed-password", "_csrf_token": token})
    assert response.status_code == 400
    assert 'value="not-an-email"' in response.text
    assert "secret-typed-password" not in response.text
    assert 'id="email-error"' in response.text and "Enter a valid e-mail address." in response.text


async def test_repeated_and_wrongly_typed_fields(client):
    token = await form_token(client, "/console/login")
    response = await client.post(
        "/console/login",
        content=f"email=a@b.dk&email=c@d.dk&password=x&password=y&_csrf_token={token}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    multipart = await client.post("/console/login", data={"_csrf_token": token},
                                  files={"email": ("x.txt", b"file instead of text")})
    assert multipart.status_code == 400


async def test_invite_form_errors_sit_beside_their_fields(client):
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    token = await form_token(client, "/console/staff")
    response = await client.post("/console/staff/invite", data={
        "email": "x" * 300, "role": "emperor", "_csrf_token": token})
    assert response.status_code == 400
    assert 'id="email-error"' in response.text and 'id="role-error"' in response.text
    assert await StaffMember.count() == 1  # nothing half-stored


async def test_password_change_form_reports_each_problem(client):
    _, email, password = await staff_member("hr")
    await login_staff(client, email, password)
    token = await form_token(client, "/console/password")
    response = await client.post("/console/password", data={
        "current_password": password, "new_password": "short", "confirm_password": "short",
        "_csrf_token": token})
    assert response.status_code == 400
    assert "Use at least 12 characters." in response.text
    weak = await client.post("/console/password", data={
        "current_password": password, "new_password": "password1234",
        "confirm_password": "password1234", "_csrf_token": token})
    assert "too common" in weak.text


async def test_staff_invite_is_single_use_and_expires(client):
    from datetime import timedelta

    from app.clock import utcnow
    from app.errors import NotFound
    from app.privacy.audit import Actor
    from app.staff.services import accept_invite, invite, invite_details

    token = await invite(Actor("staff", 1, "admin"), "new.hr@example.org", "hr", utcnow())
    page = await client.get(f"/console/invite/{token}")
    assert page.status_code == 200 and "new.hr@example.org" in page.text
    await accept_invite(token, "New HR", "a good long password here", utcnow())
    assert (await client.get(f"/console/invite/{token}")).status_code == 404
    assert (await login_staff(client, "new.hr@example.org", "a good long password here")
            ).status_code == 303
    late = await invite(Actor("staff", 1, "admin"), "late@example.org", "hr", utcnow())
    with pytest.raises(NotFound):
        await invite_details(late, utcnow() + timedelta(days=4))
