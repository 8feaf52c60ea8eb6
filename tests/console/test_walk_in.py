"""Walk-ins at the desk (issue 19, point 3): reception confirms the notice was shown or handed
over and in which language; the visit records the channel "desk" and that notice's version,
the host is told, the receptionist is in the audit, and the visitor is on the evacuation list
at once. The same service as the kiosk signs them in."""

from app.privacy.notices import current_notice
from app.tables import AuditEvent, OutboxMail, Visit
from tests.factories import host, staff_member
from tests.helpers import csrf_from, login_staff


async def _desk(client, role: str = "reception"):
    _, email, password = await staff_member(role)
    await login_staff(client, email, password)
    return await client.get("/console/reception/walk-in")


def _form(page, host_id: int, **changes: str) -> dict:
    import re

    submission = re.search(r'name="submission" value="([^"]+)"', page.text).group(1)
    form = {"_csrf_token": csrf_from(page.text), "submission": submission, "language": "da",
            "notice_given": "true", "visitor_name": "Walter Walkin", "company": "Acme",
            "host_id": str(host_id), "purpose": "meeting", "print_layout": "dymo89x36"}
    return {**form, **changes}


async def test_reception_signs_a_walk_in_in_after_the_notice(client, notices):
    host_id = await host()
    page = await _desk(client)
    assert page.status_code == 200
    assert "Privatlivserklæring" in page.text  # the Danish notice, to show or hand over
    badge = await client.post("/console/reception/walk-in", data=_form(page, host_id))
    assert badge.status_code == 200, badge.text
    assert 'data-print="dymo89x36"' in badge.text and "badge-print-dymo89x36.css" in badge.text
    assert "Walter" in badge.text and "Walkin" not in badge.text.split('id="visitor-badge"')[1]
    visit = await Visit.select().first()
    danish = await current_notice("visitor", "da")
    assert visit["channel"] == "desk" and visit["kiosk"] is None
    assert visit["notice_version"] == danish.id and visit["language"] == "da"
    assert await OutboxMail.count() == 1  # the host is told, as from the kiosk
    audit = await AuditEvent.select().where(AuditEvent.action == "visitor_signed_in_at_desk")
    assert len(audit) == 1 and "Walter" not in str(audit[0])
    evacuation = await client.get("/console/reception/evacuation")
    assert "Walter Walkin" in evacuation.text
    assert "(at the desk)" in (await client.get("/console/reception/log")).text
    replay = await client.post("/console/reception/walk-in", data=_form(page, host_id))
    assert replay.status_code == 409 and await Visit.count() == 1


async def test_without_the_notice_nobody_is_signed_in_and_what_was_typed_stays(client, notices):
    host_id = await host()
    page = await _desk(client)
    form = _form(page, host_id)
    del form["notice_given"]
    refused = await client.post("/console/reception/walk-in", data=form)
    assert refused.status_code == 400
    assert "Show or hand over the privacy notice first." in refused.text
    assert 'value="Walter Walkin"' in refused.text
    unknown = await client.post("/console/reception/walk-in", data=_form(page, 99999))
    assert unknown.status_code == 400 and "Choose a host from the list." in unknown.text
    assert await Visit.count() == 0


async def test_hr_cannot_sign_visitors_in(client, notices):
    page = await _desk(client, "hr")
    assert page.status_code == 403


async def test_the_notice_shown_and_recorded_is_the_chosen_sites(client, notices):
    """A receptionist of two sites picks the walk-in's site first; the form then shows that
    site's own notice (not the first site's) and hosts, and the visit records its version.
    A receptionist of one site gets no choice."""
    from app.clock import utcnow
    from app.privacy.notices import publish
    from app.tables import StaffSite
    from tests.visits.test_sites import two_sites

    w = await two_sites()
    aarhus_da = await publish("visitor", "da", "Aarhus-erklæring", "Kort", "Kun i Aarhus", {},
                              utcnow(), site_id=w["aarhus"])  # fmt: skip
    shared_da = await current_notice("visitor", "da", w["cph"])
    _, email, password = w["rec_aar"]
    await login_staff(client, email, password)
    one = await client.get("/console/reception/walk-in")
    assert "Aarhus-erklæring" in one.text and '<select id="site' not in one.text
    await StaffSite.insert(StaffSite(staff=w["rec_aar"][0], site=w["cph"]))
    choice = await client.get("/console/reception/walk-in")
    assert '<select id="site"' in choice.text and "walk-in-sign-in" not in choice.text
    assert "Kun i Aarhus" not in choice.text and shared_da.title not in choice.text
    cph = await client.get(f"/console/reception/walk-in?site={w['cph']}")
    assert shared_da.title in cph.text and "Aarhus-erklæring" not in cph.text
    page = await client.get(f"/console/reception/walk-in?site={w['aarhus']}")
    assert "Aarhus-erklæring" in page.text and "Kun i Aarhus" in page.text
    assert shared_da.title not in page.text and "Hanne Host" not in page.text
    assert f'name="site_id" value="{w["aarhus"]}"' in page.text
    form = _form(page, w["anders"], site_id=str(w["aarhus"]))  # the form's hidden field
    sent = await client.post("/console/reception/walk-in", data=form)
    assert sent.status_code == 200, sent.text
    visit = await Visit.select(Visit.site, Visit.notice_version).first()
    assert visit == {"site": w["aarhus"], "notice_version": aarhus_da.id}
