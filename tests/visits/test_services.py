"""The visit services, as the kiosk, the console and the end-of-day job use them."""

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.clock import utcnow
from app.errors import Conflict, TooManyAttempts, ValidationFailed
from app.privacy.audit import Actor
from app.privacy.notices import current_notice, publish
from app.tables import ExpectedVisit, Kiosk, OutboxMail, Token, Visit
from app.visits import codes, kiosks, on_site, preregistration, visits
from app.visits.local_time import local_date
from tests.factories import enrolled_kiosk, host


def sign_in_form(host_id: int, notice_id: int, **over) -> visits.SignIn:
    fields = dict(visitor_name="Ann Visitor", host_id=host_id, purpose="meeting",
                  language="en", notice_id=notice_id, company="Acme")
    fields.update(over)
    return visits.SignIn(**fields)


async def test_a_visit_names_the_notice_version_shown_and_mails_the_host(notices):
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    old = await current_notice("visitor", "da")
    # A newer version is published while the visitor reads the old one: the visit keeps
    # the version that was actually shown.
    await publish("visitor", "da", "New", "Short", "Body", {}, utcnow())
    badge = await visits.sign_in(sign_in_form(host_id, old.id, language="da"), kiosk_id, utcnow())
    row = await Visit.select().first()
    assert row["notice_version"] == old.id and row["language"] == "da"
    assert row["kiosk"] == kiosk_id and row["signed_out_at"] is None
    assert badge.first_name == "Ann" and badge.host_name == "Hanne Host"
    assert len(badge.signout_code) == 6
    # Only the keyed hash of the code is kept.
    assert row["signout_code_hash"] == codes.code_hash(badge.signout_code)
    assert badge.signout_code not in str(row)
    mail = await OutboxMail.select().first()
    assert mail["to_address"] == "hanne@example.org" and "Ann Visitor" in mail["body"]


@pytest.mark.parametrize(
    "over, field",
    [
        ({"visitor_name": "   "}, "visitor_name"),
        ({"visitor_name": "x" * 201}, "visitor_name"),
        ({"company": "y" * 201}, "company"),
        ({"purpose": "spying"}, "purpose"),
        ({"host_id": 999999}, "host"),
    ],
)
async def test_bad_input_stores_nothing(notices, over, field):
    host_id = await host()
    notice = await current_notice("visitor", "en")
    form = sign_in_form(host_id, notice.id, submission="s1")
    for name, value in over.items():
        setattr(form, name, value)
    with pytest.raises(ValidationFailed) as exc:
        await visits.sign_in(form, None, utcnow())
    assert field in exc.value.errors
    assert await Visit.count() == 0 and await OutboxMail.count() == 0
    assert await Token.count() == 0  # the form may be corrected and sent again


async def test_a_retired_host_and_an_unshown_notice_are_refused(notices):
    retired = await host(active=False)
    live = await host(name="Live", email="live@example.org")
    notice = await current_notice("visitor", "en")
    with pytest.raises(ValidationFailed) as retired_host:
        await visits.sign_in(sign_in_form(retired, notice.id), None, utcnow())
    assert set(retired_host.value.errors) == {"host"}
    candidate_notice = await current_notice("candidate", "en")
    with pytest.raises(ValidationFailed) as unshown:
        await visits.sign_in(sign_in_form(live, candidate_notice.id), None, utcnow())
    assert set(unshown.value.errors) == {"form"}
    with pytest.raises(ValidationFailed) as both:  # the notice is the first thing to fix
        await visits.sign_in(sign_in_form(retired, candidate_notice.id), None, utcnow())
    assert set(both.value.errors) == {"form"}
    assert await Visit.count() == 0


async def test_a_replayed_form_is_refused(notices):
    host_id = await host()
    notice = await current_notice("visitor", "en")
    await visits.sign_in(sign_in_form(host_id, notice.id, submission="once"), None, utcnow())
    with pytest.raises(Conflict):
        await visits.sign_in(sign_in_form(host_id, notice.id, submission="once"), None, utcnow())
    assert await Visit.count() == 1 and await OutboxMail.count() == 1


async def test_fifty_concurrent_sign_ins_all_succeed(notices):
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    badges = await asyncio.gather(*[
        visits.sign_in(sign_in_form(host_id, notice.id, visitor_name=f"Visitor {i}",
                                    submission=f"form-{i}"), kiosk_id, utcnow())
        for i in range(50)
    ])
    assert len(badges) == 50
    assert len({b.signout_code for b in badges}) == 50
    assert await Visit.count() == 50 and await OutboxMail.count() == 50
    assert len(await on_site.evacuation_list(Actor(kind="staff", id=1, role="admin"),
                                             utcnow())) == 50


async def test_sign_out_with_the_code_sets_the_erase_date_and_forgets_the_code(notices):
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    now = utcnow()
    badge = await visits.sign_in(sign_in_form(host_id, notice.id), kiosk_id, now)
    later = now + timedelta(hours=2)
    await visits.sign_out_with_code(badge.signout_code.lower(), kiosk_id, later)
    row = await Visit.select().first()
    assert row["signed_out_by"] == "kiosk" and row["signed_out_at"] == later
    assert row["erase_after"] == later + timedelta(days=30)
    assert row["signout_code_hash"] is None
    with pytest.raises(ValidationFailed):  # a spent code signs out nobody
        await visits.sign_out_with_code(badge.signout_code, kiosk_id, later)


async def test_guessing_sign_out_codes_is_throttled(notices):
    kiosk_id, _ = await enrolled_kiosk()
    now = utcnow()
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            await visits.sign_out_with_code("ZZZZZZ", kiosk_id, now)
    with pytest.raises(TooManyAttempts):
        await visits.sign_out_with_code("ZZZZZZ", kiosk_id, now)


async def test_end_of_day_signs_out_everyone_still_in(notices):
    host_id = await host()
    notice = await current_notice("visitor", "en")
    morning = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    for i in range(3):
        await visits.sign_in(sign_in_form(host_id, notice.id, visitor_name=f"V {i}"), None, morning)
    assert await visits.sign_out_everyone(morning + timedelta(hours=6)) == 0  # before 20:00
    assert await visits.sign_out_everyone(morning + timedelta(hours=11)) == 3
    assert await visits.sign_out_everyone(morning + timedelta(hours=12)) == 0  # idempotent
    rows = await Visit.select(Visit.signed_out_by, Visit.signed_out_at, Visit.erase_after)
    assert {r["signed_out_by"] for r in rows} == {"auto"}
    assert all(r["erase_after"] is not None for r in rows)
    assert {r["signed_out_at"] for r in rows} == {morning.replace(hour=20)}


async def test_a_late_end_of_day_run_catches_up_and_leaves_this_mornings_visitors(notices):
    """Issue 18.7: the scheduler was down over the end of day; its run next morning signs out
    yesterday's visitors, as of yesterday's end of day, and not today's early ones."""
    host_id = await host()
    notice = await current_notice("visitor", "en")
    cph = ZoneInfo("Europe/Copenhagen")
    yesterday = datetime(2026, 12, 1, 10, 0, tzinfo=cph)
    early = datetime(2026, 12, 2, 7, 45, tzinfo=cph)
    await visits.sign_in(sign_in_form(host_id, notice.id, visitor_name="Yester Day"), None, yesterday)
    await visits.sign_in(sign_in_form(host_id, notice.id, visitor_name="Early Bird"), None, early)
    assert await visits.sign_out_everyone(datetime(2026, 12, 2, 8, 0, tzinfo=cph)) == 1
    rows = {r["visitor_name"]: r for r in await Visit.select()}
    assert rows["Yester Day"]["signed_out_at"] == datetime(2026, 12, 1, 20, 0, tzinfo=cph)
    assert rows["Early Bird"]["signed_out_at"] is None


def test_a_restarted_scheduler_runs_a_missed_daily_job_once():
    """Issue 18.7: APScheduler's job store is in memory, so a cron time that passed while no
    scheduler ran was lost. first_run schedules it soon when no success came after it."""
    from app.jobs import JOBS, first_run

    job = next(j for j in JOBS if j.name == "end_of_day_sign_out")
    args = {"hour": 20, "minute": 0, "timezone": "Europe/Copenhagen"}
    cph = ZoneInfo("Europe/Copenhagen")
    now = datetime(2026, 12, 2, 8, 0, tzinfo=cph)
    assert "next_run_time" in first_run(job, now, args, None)  # never ran
    assert "next_run_time" in first_run(job, now, args, datetime(2026, 11, 30, 20, 0, 1, tzinfo=cph))
    assert first_run(job, now, args, datetime(2026, 12, 1, 20, 0, 2, tzinfo=cph)) == {}
    evening = datetime(2026, 12, 2, 19, 0, tzinfo=cph)
    assert first_run(job, evening, args, datetime(2026, 12, 1, 20, 0, 2, tzinfo=cph)) == {}


async def test_last_successes_come_from_the_job_runs(notices):
    from app.jobs import last_successes
    from app.tables import JobRun

    t = datetime(2026, 12, 1, 19, 0, 5, tzinfo=UTC)
    await JobRun.insert(
        JobRun(job="end_of_day_sign_out", started_at=t, finished_at=t),
        JobRun(job="end_of_day_sign_out", started_at=t + timedelta(days=1),
               finished_at=t + timedelta(days=1), error="OperationalError"),
        JobRun(job="end_of_day_sign_out", started_at=t + timedelta(days=2)),  # still running
    )
    assert await last_successes() == {"end_of_day_sign_out": t}


async def test_pairing_codes_expire_are_single_use_and_guessing_is_throttled():
    now = utcnow()
    pairing = await kiosks.create_kiosk("Front", "Lobby", now)
    with pytest.raises(ValidationFailed):  # expired
        await kiosks.enrol(pairing.code, "198.51.100.0", now + timedelta(minutes=11))
    enrolled = await kiosks.enrol(pairing.code, "198.51.100.0", now)
    assert await kiosks.device(enrolled.credential, now) is not None
    row = await Kiosk.select().first()
    assert row["credential_hash"] != enrolled.credential and row["pairing_code_hash"] is None
    with pytest.raises(ValidationFailed):  # spent
        await kiosks.enrol(pairing.code, "198.51.100.0", now)
    for _ in range(3):
        with pytest.raises(ValidationFailed):
            await kiosks.enrol("AAAAAAAA", "198.51.100.0", now)
    with pytest.raises(TooManyAttempts):
        await kiosks.enrol("AAAAAAAA", "198.51.100.0", now)
    await kiosks.revoke(enrolled.kiosk_id, now)
    assert await kiosks.device(enrolled.credential, now) is None


async def test_pre_registration_fills_the_visit_but_the_notice_is_still_recorded(notices):
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    now = utcnow()
    code = await preregistration.preregister(
        preregistration.Expected(visitor_name="Bo Berg", visitor_email="bo@example.org",
                                 host_id=host_id, expected_on=local_date(now), company="Beta"),
        None, now)
    mail = await OutboxMail.select().where(OutboxMail.to_address == "bo@example.org").first()
    assert code in mail["body"]
    assert code not in str(await ExpectedVisit.select().first())
    shown = await preregistration.invitation(code, kiosk_id, now)
    assert shown.visitor_name == "Bo Berg" and shown.host_name == "Hanne Host"
    notice = await current_notice("visitor", "da")
    badge = await visits.sign_in(
        visits.SignIn(visitor_name="", host_id=0, purpose="", language="da",
                      notice_id=notice.id, invitation_code=code), kiosk_id, now)
    assert badge.first_name == "Bo"
    row = await Visit.select().first()
    assert row["visitor_name"] == "Bo Berg" and row["notice_version"] == notice.id
    assert row["expected_visit"] is not None
    with pytest.raises(ValidationFailed):  # used once
        await preregistration.invitation(code, kiosk_id, now)


async def test_the_scheduled_end_of_day_job_signs_everyone_out(notices):
    from app.jobs import JOBS, run_job
    from app.tables import JobRun

    host_id = await host()
    notice = await current_notice("visitor", "en")
    await visits.sign_in(sign_in_form(host_id, notice.id), None, utcnow() - timedelta(days=1))
    job = next(j for j in JOBS if j.name == "end_of_day_sign_out")
    assert await run_job(job, utcnow()) == {"signed_out": 1}
    assert (await Visit.select().first())["signed_out_by"] == "auto"
    assert (await JobRun.select().first())["error"] == ""


async def test_a_kiosk_is_seen_at_most_every_few_minutes():
    """Reception's "last seen" is a hint, not a write per request (app.visits.kiosks.device)."""
    from app.tables import Kiosk
    from app.visits.kiosks import SEEN_EVERY, device

    kiosk_id, credential = await enrolled_kiosk()
    await Kiosk.update({Kiosk.last_seen_at: None}).where(Kiosk.id == kiosk_id)
    now = utcnow()

    async def seen():
        return (await Kiosk.select(Kiosk.last_seen_at).where(Kiosk.id == kiosk_id).first())[
            "last_seen_at"]

    assert (await device(credential, now)).id == kiosk_id and await seen() == now
    await device(credential, now + SEEN_EVERY - timedelta(seconds=1))
    assert await seen() == now
    later = now + SEEN_EVERY + timedelta(seconds=1)
    await device(credential, later)
    assert await seen() == later
    assert await device("not-a-credential", later) is None
