"""The console's retention page: admins see the rules, what falls due now and within 30 days
(day by day), and each job run with its counts or its error; other roles cannot open it."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app import dates
from app.clock import utcnow
from app.jobs import JOBS, run_job
from tests.factories import staff_member, visit_row
from tests.helpers import login_staff


async def test_admin_sees_rules_due_records_and_job_runs(client):
    now = utcnow()
    await visit_row(purpose="meeting", signed_in_at=now - timedelta(days=40),
                    signed_out_at=now - timedelta(days=40), erase_after=now - timedelta(days=10))
    # Due at 23:30 UTC in three days: the next day in Copenhagen, which is the day shown.
    soon = datetime.combine((now + timedelta(days=3)).date(), time(23, 30), tzinfo=UTC)
    await visit_row(signed_in_at=now, signed_out_at=now, erase_after=soon)
    await run_job(next(j for j in JOBS if j.name == "expired_sessions"), now)
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)

    response = await client.get("/console/retention")

    assert response.status_code == 200
    html = response.text
    assert "30 days after sign-out" in html and "183 days after rejection" in html
    local_day = soon.astimezone(ZoneInfo("Europe/Copenhagen")).date()
    assert f"<td>{dates.day(local_day, 'en')}</td>" in html  # the day-by-day calendar
    assert soon.date().isoformat() not in html  # never ISO, never the UTC day
    # Kinds, jobs and counts in words; the code's names with spaces were shown before.
    assert "Visits: 1" in html and "visits: 1" not in html
    assert "Clearing expired sessions and links" in html and ">expired sessions<" not in html
    assert "Audit log entries" in html and "audit events" not in html
    assert 'href="/console/retention"' in html  # in the admin's navigation
    # Times carry their zone ("CET"); the page said they were in UTC. And the sweep counts
    # nothing since issue 20: the page said erased records were counted first.
    assert "in UTC" not in html and "first counted" not in html
    assert "counted when each thing happened" in html


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
    assert "blev talt, da tingene skete" in response.text and "UTC" not in response.text
    assert "Poster i revisionsloggen" in response.text and "audit events" not in response.text


async def test_job_runs_are_paged_fifty_at_a_time(client):
    """Issue 18.7: the page showed only the last 50 runs; older ones are a click away."""
    from app.tables import JobRun

    now = utcnow()
    await JobRun.insert(*[JobRun(job="expired_sessions", started_at=now - timedelta(hours=i),
                                 finished_at=now, counts={"sessions": i + 1})
                           for i in reversed(range(60))])  # oldest first, as they ran
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)

    first = await client.get("/console/retention")
    assert first.status_code == 200
    assert first.text.count("Clearing expired sessions and links") >= 50
    assert "Sessions: 1<" in first.text
    assert "Sessions: 60<" not in first.text
    assert "?runs_before=" in first.text and "Older runs" in first.text
    oldest_first_page = int(first.text.split("?runs_before=")[1].split("#")[0])

    second = await client.get(f"/console/retention?runs_before={oldest_first_page}")
    assert second.status_code == 200
    assert "Sessions: 60<" in second.text and "Sessions: 1<" not in second.text
    assert "?runs_before=" not in second.text  # ten left: the last page
    bad = await client.get("/console/retention?runs_before=x")
    assert bad.status_code == 400
