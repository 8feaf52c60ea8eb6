"""The console's retention page: admins see the rules, what falls due now and within 30 days
(day by day), and each job run with its counts or its error; other roles cannot open it."""

from datetime import timedelta

from app.clock import utcnow
from app.jobs import JOBS, run_job
from tests.factories import staff_member, visit_row
from tests.helpers import login_staff


async def test_admin_sees_rules_due_records_and_job_runs(client):
    now = utcnow()
    await visit_row(purpose="meeting", signed_in_at=now - timedelta(days=40),
                    signed_out_at=now - timedelta(days=40), erase_after=now - timedelta(days=10))
    soon = now + timedelta(days=3)
    await visit_row(signed_in_at=now, signed_out_at=now, erase_after=soon)
    await run_job(next(j for j in JOBS if j.name == "expired_sessions"), now)
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)

    response = await client.get("/console/retention")

    assert response.status_code == 200
    html = response.text
    assert "30 days after sign-out" in html and "183 days after rejection" in html
    assert soon.date().isoformat() in html  # the day-by-day calendar
    assert "visits: 1" in html
    assert "expired sessions" in html
    assert 'href="/console/retention"' in html  # in the admin's navigation


async def test_hr_and_reception_cannot_open_it(client):
    for role in ("hr", "reception"):
        _, email, password = await staff_member(role)
        await login_staff(client, email, password)
        response = await client.get("/console/retention")
        assert response.status_code in (403, 404), role
        home = await client.get("/console")
        assert 'href="/console/retention"' not in home.text
        await client.post("/console/logout")
        client.cookies.clear()


async def test_the_page_speaks_danish(client):
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    response = await client.get("/console/retention", headers={"accept-language": "da"})
    assert response.status_code == 200
    assert "Gældende regler" in response.text and "Jobkørsler" in response.text
