"""Admin work on staff accounts: roles, disabling, CLI commands."""

import os
import subprocess
import sys

from app.clock import utcnow
from app.staff.sessions import load_session
from app.tables import StaffMember
from tests.factories import staff_member
from tests.helpers import form_token, login_staff


async def test_a_role_change_or_a_disable_ends_that_persons_sessions(client, settings):
    from litestar.testing import AsyncTestClient

    from app.main import create_app

    _, admin_email, admin_pw = await staff_member("admin")
    hr_id, hr_email, hr_pw = await staff_member("hr")
    async with AsyncTestClient(app=create_app(settings), base_url="https://testserver.local") as hr:
        await login_staff(hr, hr_email, hr_pw)
        hr_token = hr.cookies.get("intake_staff")
        assert (await hr.get("/console")).status_code == 200

        await login_staff(client, admin_email, admin_pw)
        token = await form_token(client, "/console/staff")
        response = await client.post(f"/console/staff/{hr_id}", data={
            "role": "reception", "_csrf_token": token})
        assert response.status_code == 303
        assert await load_session(hr_token, utcnow()) is None
        assert (await hr.get("/console", follow_redirects=False)).status_code == 303

        response = await client.post(f"/console/staff/{hr_id}", data={
            "role": "reception", "disabled": "true", "_csrf_token": token})
        row = await StaffMember.select().where(StaffMember.id == hr_id).first()
        assert row["disabled"] is True and row["role"] == "reception"
        refused = await login_staff(hr, hr_email, hr_pw)
        assert refused.status_code == 400


async def test_an_admin_cannot_lock_themselves_out(client):
    admin_id, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    token = await form_token(client, "/console/staff")
    response = await client.post(f"/console/staff/{admin_id}", data={
        "role": "hr", "_csrf_token": token})
    assert response.status_code == 403
    row = await StaffMember.select().where(StaffMember.id == admin_id).first()
    assert row["role"] == "admin"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "litestar", "--app", "app.asgi:app", *args],
                          env=os.environ.copy(), capture_output=True, text=True, timeout=120)


async def test_cli_creates_staff_and_resets_a_password(client):
    created = _cli("staff", "create", "--email", "Reception@Example.org", "--role", "reception")
    assert created.returncode == 0, created.stderr
    assert "staff e-mail: reception@example.org" in created.stdout
    one_time = created.stdout.split("one-time password: ")[1].split()[0]
    response = await login_staff(client, "reception@example.org", one_time)
    assert response.headers["location"] == "/console/password"

    reset = _cli("staff", "reset-password", "--email", "reception@example.org")
    assert reset.returncode == 0, reset.stderr
    new_one = reset.stdout.split("one-time password: ")[1].split()[0]
    assert new_one != one_time
    client.cookies.clear()
    assert (await login_staff(client, "reception@example.org", one_time)).status_code == 400
    assert (await login_staff(client, "reception@example.org", new_one)).status_code == 303

    unknown = _cli("staff", "reset-password", "--email", "nobody@example.org")
    assert unknown.returncode != 0 and "no staff member" in unknown.stderr


async def test_cli_resets_a_lost_second_factor(client):
    from app.staff import totp, totp_secrets
    from app.tables import AuditEvent

    staff_id, email, password = await staff_member("admin")
    secret = totp.new_secret()
    sealed = totp_secrets.seal(secret, staff_id)
    await StaffMember.update({StaffMember.totp_secret: sealed}).where(StaffMember.id == staff_id)
    assert (await login_staff(client, email, password)).headers["location"].startswith(
        "/console/login/code"
    )

    reset = _cli("staff", "reset-two-factor", "--email", email.upper())
    assert reset.returncode == 0, reset.stderr
    row = await StaffMember.select().where(StaffMember.id == staff_id).first()
    assert row["totp_secret"] is None
    client.cookies.clear()
    assert (await login_staff(client, email, password)).headers["location"] == "/console"
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "staff.totp_reset") & (AuditEvent.actor_kind == "system")
    )
    unknown = _cli("staff", "reset-two-factor", "--email", "nobody@example.org")
    assert unknown.returncode != 0 and "no staff member" in unknown.stderr
