"""A site's own time zone (issue 19.5; the counters of issue 20): a visit's day is the site's
local day, for its anonymous counter ("a visit signed in, per day, purpose and site"), its
badge, an invitation's date and who is expected today; the desk, the evacuation list and the
log show its times on that office's clocks. Not the company's (INTAKE_TIMEZONE)."""

import html
import json
import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app import dates
from app.clock import utcnow
from app.errors import ValidationFailed
from app.privacy.audit import Actor
from app.privacy.notices import current_notice
from app.tables import HostSite, Kiosk, OutboxMail
from app.visits import on_site, preregistration, visits
from app.visits.sites import SiteFields, create_site, first_site_id
from tests.factories import enrolled_kiosk, host, staff_member
from tests.helpers import csrf_from, login_staff
from tests.privacy.test_counters import moved
from tests.visits.test_services import sign_in_form

NEW_YORK = "America/New_York"
COPENHAGEN = "Europe/Copenhagen"
# 03:30 UTC on 15 March: 23:30 on the 14th in New York, 04:30 on the 15th in Copenhagen.
LATE = datetime(2026, 3, 15, 3, 30, tzinfo=UTC)


async def _site(timezone: str, name: str = "New York") -> tuple[int, int]:
    """A site in `timezone` with its own host: (site id, host id). The first site (the
    company's zone) exists before it."""
    await first_site_id()
    site_id = await create_site(SiteFields(name, timezone=timezone), utcnow())
    host_id = await host("Nina Host", "nina@example.org")
    await HostSite.update({HostSite.site: site_id}).where(HostSite.host == host_id)
    return site_id, host_id


async def test_a_visit_counts_and_is_dated_on_its_sites_own_day(notices):
    ny, host_id = await _site(NEW_YORK)
    notice = await current_notice("visitor", "en", ny)
    kiosk_id, _ = await enrolled_kiosk()
    await Kiosk.update({Kiosk.site: ny}).where(Kiosk.id == kiosk_id)
    badges = []

    async def sign(**over):  # type: ignore[no-untyped-def]
        form = sign_in_form(host_id, notice.id, site_id=ny, **over)
        badges.append(await visits.sign_in(form, over.pop("kiosk", kiosk_id), LATE))

    # The walk-in's one-statement path, the general path (a delivery) and the desk's.
    assert await moved(lambda: sign(submission="a")) == {"visits|2026-03-14|meeting|New York": 1}
    delivery = lambda: sign(submission="b", purpose="delivery")  # noqa: E731
    assert await moved(delivery) == {"visits|2026-03-14|delivery|New York": 1}
    admin = Actor("staff", (await staff_member("admin"))[0], "admin")
    form = sign_in_form(host_id, notice.id, site_id=ny, submission="c", channel="desk")
    desk = await visits.sign_in(form, None, LATE, admin)
    assert [b.date for b in [*badges, desk]] == [date(2026, 3, 14)] * 3
    # The company's own site keeps the company's day.
    cph_host = await host("Hanne Host", "hanne@example.org")
    cph = sign_in_form(cph_host, (await current_notice("visitor", "en")).id, submission="d")
    assert await moved(lambda: visits.sign_in(cph, None, LATE)) == {
        "visits|2026-03-15|meeting|Main office": 1
    }


async def test_the_hosts_mail_tells_the_time_on_the_sites_clock(notices):
    """The host works at the site: a New York visitor at 23:30 was announced "at 04:30"
    (Copenhagen's clock), whichever way they signed in."""
    ny, host_id = await _site(NEW_YORK)
    notice = await current_notice("visitor", "en", ny)
    kiosk_id, _ = await enrolled_kiosk()
    admin = Actor("staff", (await staff_member("admin"))[0], "admin")
    forms = [  # the walk-in's one statement, the general transaction, a delivery, the desk
        (sign_in_form(host_id, notice.id, site_id=ny, submission="a"), kiosk_id, None),
        (sign_in_form(host_id, notice.id, site_id=ny, submission=""), kiosk_id, None),
        (sign_in_form(host_id, notice.id, site_id=ny, submission="b", purpose="delivery"),
         kiosk_id, None),
        (sign_in_form(host_id, notice.id, site_id=ny, submission="c", channel="desk"), None,
         admin),
    ]  # fmt: skip
    for form, kiosk, actor in forms:
        await visits.sign_in(form, kiosk, LATE, actor)
    mails = await OutboxMail.select().where(OutboxMail.to_address == "nina@example.org")
    assert len(mails) == 4
    assert all("at 23:30" in m["body"] and "04:30" not in m["body"] for m in mails)


# Pago Pago is 12 hours behind Copenhagen (13 in summer), Kiritimati 13 ahead (12 in
# summer): one of them is on another day than Copenhagen, but which one changes at their
# midnights, and at Copenhagen's own none is (no zone is 24 hours away).
AWAY = ("Pacific/Pago_Pago", "Pacific/Kiritimati")
SPARE = timedelta(minutes=3)  # longer than a test that reads the clock takes, even loaded


def _other_day(at: datetime, zone: str) -> bool:
    return at.astimezone(ZoneInfo(zone)).date() != at.astimezone(ZoneInfo(COPENHAGEN)).date()


def _away() -> str:
    """A zone whose date differs from Copenhagen's now and still SPARE later, for a test
    that reads the real clock (the server reads it too, a moment later). Within SPARE of
    Copenhagen's midnight no zone will do: the test waits for the new day, as
    tests.helpers.away_from_the_minutes_end waits for a new minute. (Chosen by Copenhagen's
    hour alone, Kiritimati was on Copenhagen's day from 11:00 to 12:00 in summer.)"""
    while True:
        now = utcnow()
        for zone in AWAY:
            if _other_day(now, zone) and _other_day(now + SPARE, zone):
                return zone
        time.sleep(1)


async def test_the_kiosk_counts_on_its_sites_day(client, notices):
    """Through the tablet: the site's zone comes with the kiosk's row."""
    from tests.kiosk.test_kiosk_pages import hidden

    zone = _away()
    site_id, host_id = await _site(zone, "Far away")
    kiosk_id, credential = await enrolled_kiosk()
    await Kiosk.update({Kiosk.site: site_id}).where(Kiosk.id == kiosk_id)
    client.cookies.set("intake_kiosk", credential, domain="testserver.local")
    notice = await current_notice("visitor", "en", site_id)
    details = await client.get(f"/kiosk/details?language=en&notice={notice.id}")
    form = {"_csrf_token": csrf_from(details.text), "visitor_name": "Ann Visitor",
            "host_id": str(host_id), "purpose": "meeting", "notice_id": str(notice.id),
            "language": "en", "submission": hidden(details.text, "submission")}  # fmt: skip
    before = utcnow()
    counted = {}

    async def send() -> None:
        badge = await client.post("/kiosk/sign-in", data=form)
        assert badge.status_code == 200, badge.text
        counted["badge"] = badge.text

    there = before.astimezone(ZoneInfo(zone)).date()
    assert there != before.astimezone(ZoneInfo("Europe/Copenhagen")).date()
    assert await moved(send) == {f"visits|{there.isoformat()}|meeting|Far away": 1}
    assert dates.day(there, "en") in counted["badge"]


async def test_expected_today_and_the_evacuation_list_read_the_sites_clock(client, notices):
    ny, host_id = await _site(NEW_YORK)
    _, email, password = await staff_member("reception", email="rec-ny@example.org")
    rec = (await staff_member("reception", email="rec-x@example.org"))[0]
    from app.tables import StaffMember, StaffSite

    me = (await StaffMember.select(StaffMember.id).where(StaffMember.email == email).first())["id"]
    await StaffSite.update({StaffSite.site: ny}).where(StaffSite.staff == me)
    await preregistration.preregister(preregistration.Expected(
        "Eve Evening", "eve@example.org", host_id, date(2026, 3, 14), site_id=ny,
    ), None, LATE)  # fmt: skip
    reader = Actor("staff", me, "reception")
    _, expected = await on_site.desk(reader, LATE)  # the 14th in New York, still
    assert [e["visitor_name"] for e in expected] == ["Eve Evening"]
    assert (await on_site.counts(reader, LATE))["expected"] == 1
    assert (await on_site.counts(Actor("staff", rec, "reception"), LATE))["expected"] == 0
    notice = await current_notice("visitor", "en", ny)
    form = sign_in_form(host_id, notice.id, site_id=ny, submission="late-one")
    await visits.sign_in(form, None, LATE)
    await login_staff(client, email, password)
    for path in ("/console/reception/evacuation", "/console/reception", "/console/reception/log"):
        page = await client.get(path)
        assert page.status_code == 200, path
        # 23:30 on New York's clock (EDT from 8 March), never Copenhagen's 04:30 CET.
        assert re.search(r"23:30\s+EDT", page.text), path
        # With its zone: the evacuation list says when it was printed, on New York's clock,
        # and a bare "04:30" was there whenever the test ran at 04:30 in New York.
        assert not re.search(r"04:30\s+CES?T", page.text), path


async def _reception_at(site_id: int, email: str = "rec-ny@example.org") -> tuple[int, str, str]:
    """A reception member of `site_id` only: (id, e-mail, password)."""
    from app.tables import StaffSite

    me, email, password = await staff_member("reception", email=email)
    await StaffSite.update({StaffSite.site: site_id}).where(StaffSite.staff == me)
    return me, email, password


async def test_an_invitation_is_dated_from_its_sites_own_today(notices):
    ny, host_id = await _site(NEW_YORK)
    cph = await first_site_id()
    sites = [{"id": cph, "timezone": "Europe/Copenhagen"}, {"id": ny, "timezone": NEW_YORK}]
    assert preregistration.site_days(sites, LATE) == {cph: "2026-03-15", ny: "2026-03-14"}

    async def invite(day: date, site_id: int, host: int) -> None:
        data = preregistration.Expected("Eve", "eve@example.org", host, day, site_id=site_id)
        await preregistration.preregister(data, None, LATE)

    await invite(date(2026, 3, 14), ny, host_id)  # still today in New York
    try:
        await invite(date(2026, 3, 13), ny, host_id)
    except ValidationFailed as exc:
        assert exc.errors == {"expected_on": "Choose today or a later date."}
    else:
        raise AssertionError("yesterday in New York was accepted")
    try:  # the same 14th is already yesterday in Copenhagen
        await invite(date(2026, 3, 14), cph, await host("Hanne Host", "hanne@example.org"))
    except ValidationFailed as exc:
        assert exc.errors == {"expected_on": "Choose today or a later date."}
    else:
        raise AssertionError("yesterday in Copenhagen was accepted")


def _date_field(html: str) -> str:
    return re.search(r'<input id="expected_on"[^>]*value="([^"]*)"', html).group(1)


async def test_the_desk_offers_the_sites_today_for_an_invitation(client, notices):
    """Through the desk, on the real clock: a site whose date differs from Copenhagen's."""
    zone = _away()
    site_id, host_id = await _site(zone, "Far away")
    _, email, password = await _reception_at(site_id)
    await login_staff(client, email, password)
    desk = await client.get("/console/reception")
    now = utcnow()
    there = now.astimezone(ZoneInfo(zone)).date().isoformat()
    assert there != now.astimezone(ZoneInfo("Europe/Copenhagen")).date().isoformat()
    assert _date_field(desk.text) == there
    form = {"_csrf_token": csrf_from(desk.text), "visitor_name": "Eve Evening",
            "visitor_email": "eve@example.org", "host_id": str(host_id), "purpose": "meeting",
            "site_id": str(site_id), "language": "en"}  # fmt: skip
    # Sent back without a date: the form offers that site's today again.
    again = await client.post("/console/reception/expected", data={**form, "expected_on": ""})
    assert again.status_code == 400 and _date_field(again.text) == there
    sent = await client.post("/console/reception/expected", data={**form, "expected_on": there})
    assert sent.status_code == 303, sent.text


async def test_an_admin_of_several_sites_gets_each_sites_today(client, notices):
    """The form carries every site's today, for the date to follow the chosen site."""
    zone = _away()
    site_id, _ = await _site(zone, "Far away")
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    desk = await client.get("/console/reception")
    now = utcnow()
    days = {
        str(await first_site_id()): now.astimezone(ZoneInfo("Europe/Copenhagen")).date(),
        str(site_id): now.astimezone(ZoneInfo(zone)).date(),
    }
    carried = re.search(r"data-site-days='([^']*)'", desk.text).group(1)
    assert json.loads(html.unescape(carried)) == {k: v.isoformat() for k, v in days.items()}
    # The date shown is that of the site the select shows first (none is marked selected).
    first = re.search(r'<select id="site_id"[^>]*>\s*<option value="(\d+)"', desk.text).group(1)
    assert first == str(site_id)  # "Far away" before "Main office"
    assert _date_field(desk.text) == days[first].isoformat()


async def test_a_kiosk_was_last_seen_on_its_sites_clock(client, notices):
    ny, _ = await _site(NEW_YORK)
    kiosk_id, _ = await enrolled_kiosk()
    await Kiosk.update({Kiosk.site: ny, Kiosk.last_seen_at: LATE}).where(Kiosk.id == kiosk_id)
    _, email, password = await _reception_at(ny)
    await login_staff(client, email, password)
    for language, shown in (("en", "14 March 2026 23:30 EDT"), ("da", "14. marts 2026 23.30 EDT")):
        page = await client.get(f"/console/kiosks?lang={language}")
        assert page.status_code == 200
        assert shown in page.text, language
        assert "04:30" not in page.text and "04.30" not in page.text, language


async def test_a_pairing_code_expires_on_its_kiosks_sites_clock(client, notices):
    """The notice said "before 15:40 CET" to New York's reception for a New York tablet."""
    ny, _ = await _site(NEW_YORK)
    kiosk_id, _ = await enrolled_kiosk()
    await Kiosk.update({Kiosk.site: ny}).where(Kiosk.id == kiosk_id)
    _, email, password = await _reception_at(ny)
    await login_staff(client, email, password)
    page = await client.get("/console/kiosks")
    for language in ("en", "da"):
        made = await client.post(f"/console/kiosks/{kiosk_id}/pair",
                                 data={"_csrf_token": csrf_from(page.text)})  # fmt: skip
        shown = await client.get(f"{made.headers['location']}&lang={language}")
        expires = (await Kiosk.select(Kiosk.pairing_expires_at).first())["pairing_expires_at"]
        notice = html.unescape(shown.text.split('id="pairing"')[1].split("</section>")[0])
        before = {"en": "before", "da": "før kl."}[language]
        assert f"{before} {dates.clock(expires, language, NEW_YORK)}." in notice, notice
        assert "CET" not in notice and "CEST" not in notice
