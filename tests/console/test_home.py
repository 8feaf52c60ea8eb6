"""The console home shows the day's work for each role (issue 17 point 9): counts and links,
never a candidate's or visitor's name, and only what decide() lets the role work on."""

import re
import uuid
from datetime import timedelta

from app.clock import utcnow
from app.tables import Application, ExpectedVisit, OutboxMail, RightsRequest, StaffSite
from app.visits.local_time import local_date
from app.visits.sites import SiteFields, create_site, first_site_id
from tests.console.support import signed_in
from tests.factories import consenting_application, open_position, visit_row

NAMES = ("Nina New", "Carl Consentless", "Rita Restricted", "Otto Objected", "Mads Monly",
         "Sofie Screened", "Nils Nextnew")  # fmt: skip


def counts(html: str, box: str) -> dict[str, str]:
    section = html.split(f'id="work-{box}"')[1].split("</section>")[0]
    return dict(re.findall(r'data-count="(\w+)">(\d+)<', section))


async def _applications() -> tuple[int, int]:
    first, second = await open_position("Data engineer"), await open_position("Designer")
    await consenting_application(first, NAMES[0], cv=None)  # n given: work
    await consenting_application(first, NAMES[1], m=False, n=False, cv=None)  # waits for consent
    restricted = await consenting_application(first, NAMES[2], cv=None)
    objected = await consenting_application(first, NAMES[3], cv=None)
    await consenting_application(first, NAMES[4], n=False, cv=None)  # m only: cannot be moved
    screened = await consenting_application(first, NAMES[5], cv=None)
    await consenting_application(second, NAMES[6], cv=None)
    for a, change in (
        (restricted, {Application.restricted: True}),
        (objected, {Application.objected: True}),
        (screened, {Application.stage: "screening"}),  # already taken up
    ):
        await Application.update(change).where(Application.id == a["application_id"])
    return first, second


async def _requests() -> None:
    now = utcnow()
    for status, due in (
        ("open", now - timedelta(days=1)),  # overdue
        ("in_progress", now + timedelta(days=3)),  # due soon
        ("open", now + timedelta(days=20)),  # not yet
        ("done", now - timedelta(days=5)),  # answered: no work
    ):
        await RightsRequest.insert(
            RightsRequest(uid=uuid.uuid4(), kind="access", requester_kind="visitor",
                          requester_name="Vibeke Visitor", status=status, due_at=due,
                          erase_after=now + timedelta(days=1000))
        )  # fmt: skip


async def _visits_and_mail() -> None:
    now = utcnow()
    await visit_row("Viggo Visitor")
    await visit_row("Vera Gone", signed_out_at=now)
    site = await first_site_id()
    await ExpectedVisit.insert(
        ExpectedVisit(visitor_name="Edda Expected", expected_on=local_date(now), code_hash="c1",
                      site=site),
        ExpectedVisit(visitor_name="Ulla Used", expected_on=local_date(now), code_hash="c2",
                      used_at=now, site=site),
    )  # fmt: skip
    await OutboxMail.insert(
        OutboxMail(to_address="x@example.org", subject="s", body="b", failed_at=now,
                   erase_after=now),
        OutboxMail(to_address="y@example.org", subject="s", body="b", erase_after=now),
    )  # fmt: skip


async def _everything() -> tuple[int, int]:
    positions = await _applications()
    await _requests()
    await _visits_and_mail()
    return positions


def _no_names(html: str) -> None:
    for name in (*NAMES, "Vibeke Visitor", "Viggo Visitor", "Edda Expected"):
        assert name not in html, name


async def test_hr_sees_what_waits_for_review_per_position_and_due_requests(client):
    first, _ = await _everything()
    await signed_in(client, "hr")
    page = (await client.get("/console")).text
    review = page.split('id="work-review"')[1].split("</section>")[0]
    rows = re.findall(
        r'applications\?stage=received">([^<]+)</a></td>\s*<td[^>]*>(\d+)</td><td[^>]*>(\d+)<',
        review,
    )
    # Only Nina and Nils are work; Carl waits for consent; restricted, objected, m-only and
    # an application already in screening are not counted.
    assert rows == [("Data engineer", "1", "1"), ("Designer", "1", "0")]
    assert f"/console/positions/{first}/applications?stage=received" in review
    assert counts(page, "requests") == {"overdue": "1", "soon": "1"}
    assert 'id="work-visits"' not in page and 'id="work-mail"' not in page
    _no_names(page)


async def test_reception_sees_visitors_only(client):
    await _everything()
    await signed_in(client, "reception")
    page = (await client.get("/console")).text
    assert counts(page, "visits") == {"on_site": "1", "expected": "1"}
    for box in ("review", "requests", "mail", "interviews"):
        assert f'id="work-{box}"' not in page, box
    assert "Data engineer" not in page
    _no_names(page)


async def test_reception_of_another_site_counts_none_of_these_visitors(client):
    """Issue 19.5: the home's numbers are of the reader's own sites, like the desk."""
    await _everything()
    staff_id = await signed_in(client, "reception")
    aarhus = await create_site(SiteFields("Aarhus"), utcnow())
    await StaffSite.update({StaffSite.site: aarhus}).where(StaffSite.staff == staff_id)
    page = (await client.get("/console")).text
    assert counts(page, "visits") == {"on_site": "0", "expected": "0"}


async def test_admin_sees_every_box_and_failed_mail(client):
    await _everything()
    await signed_in(client, "admin")
    page = (await client.get("/console")).text
    assert counts(page, "mail") == {"failed_mail": "1"}
    assert counts(page, "visits") == {"on_site": "1", "expected": "1"}
    assert counts(page, "requests") == {"overdue": "1", "soon": "1"}
    assert "Data engineer" in page
    _no_names(page)


async def test_a_quiet_day_says_so_in_danish(client):
    await signed_in(client, "admin")
    page = (await client.get("/console?lang=da")).text
    assert "Intet nyt at vurdere." in page and "Alle mails er sendt." in page
    assert "Ingen anmodning har frist inden for 7 dage." in page


async def test_a_withdrawn_consent_leaves_the_count_at_once(client):
    pid = await open_position("Data engineer")
    a = await consenting_application(pid, "Nina New", cv=None)
    await signed_in(client, "hr")
    assert "Data engineer" in (await client.get("/console")).text
    from tests.factories import set_consent

    await set_consent(a["candidate_id"], a["candidate_uid"], "n", False)
    page = (await client.get("/console")).text
    assert "Data engineer" not in page and "Nothing new to review." in page


async def test_interviews_today_are_counted_where_the_evaluation_may_be_seen(client):
    from app.tables import Interview as interview

    pid = await open_position("Data engineer")
    now = utcnow()
    kept = await consenting_application(pid, "Ivan Interview", cv=None)
    frozen = await consenting_application(pid, "Rita Restricted", cv=None)
    await Application.update({Application.restricted: True}).where(
        Application.id == frozen["application_id"]
    )
    for a, at, status in (
        (kept, now, "scheduled"),
        (kept, now, "cancelled"),
        (kept, now + timedelta(days=2), "scheduled"),
        (frozen, now, "scheduled"),
    ):
        await interview.insert(
            interview(uid=uuid.uuid4(), application=a["application_id"], starts_at=at,
                      status=status)
        )  # fmt: skip
    await signed_in(client, "hr")
    page = (await client.get("/console")).text
    assert counts(page, "interviews") == {"interviews": "1"}
    assert "Ivan Interview" not in page
