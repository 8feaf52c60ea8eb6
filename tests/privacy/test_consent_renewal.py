"""Issue 21.4, consent renewal: one mail, in the candidate's language, 30 days before a
talent-pool keeping ends, and one when a new notice changes a purpose text they agreed to;
the link's one click is a new consent event under the current notice."""

import re
from datetime import UTC, datetime, timedelta

from app.clock import utcnow
from app.jobs import JOBS, run_job
from app.privacy.consent import record
from app.privacy.consent_renewal import mail_renewals, renew
from app.privacy.notices import current_notice, publish, stale_consents
from app.tables import Candidate, ConsentEvent, OutboxMail, Position
from tests.factories import consenting_application, open_position
from tests.helpers import csrf_from

T0 = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
LINK = re.compile(r"https?://\S+/me/renew/([^?\s]+)\?lang=(\w+)")


async def pooled_candidate(applied_at: datetime, closed_at: datetime, language: str = "da"):
    """Applied with m, n and the talent pool; the position closed at `closed_at`."""
    from app.privacy.retention import refresh_position_erase_after

    pid = await open_position("Udvikler")
    made = await consenting_application(pid, "Karen Blixen", created_at=applied_at,
                                        language=language)
    notice = await current_notice("candidate", language)
    await record(made["candidate_id"], made["candidate_uid"], "talent_pool", True, notice,
                 language=language, channel="portal", ip_prefix="192.0.2.0", now=applied_at,
                 identified_by="first_application")
    await Position.update({Position.status: "closed", Position.closed_at: closed_at}).where(
        Position.id == pid)
    await refresh_position_erase_after(pid, closed_at)
    return made


async def mails() -> list[dict]:
    return await OutboxMail.select().order_by(OutboxMail.id)


async def test_one_mail_thirty_days_before_the_talent_pool_ends_then_renewal(notices):
    made = await pooled_candidate(T0, T0 + timedelta(days=10))
    ends = (await Candidate.select().first())["erase_after"]
    assert ends == T0 + timedelta(days=10 + 730)
    # 31 days ahead: not yet.
    assert await mail_renewals(ends - timedelta(days=31)) == {"talent_pool": 0, "reconfirm": 0}
    assert await mails() == []
    # 30 days ahead: one mail, in Danish, with the date written the Danish way.
    assert (await mail_renewals(ends - timedelta(days=30)))["talent_pool"] == 1
    for later in (timedelta(days=29), timedelta(days=1)):  # the next days: never a second
        assert (await mail_renewals(ends - later))["talent_pool"] == 0
    [mail] = await mails()
    assert mail["subject"] == "Skal vi gemme din ansøgning?"
    assert "19. januar 2029" in mail["body"] and "24 måneder mere" in mail["body"]
    token, lang = LINK.search(mail["body"]).groups()
    assert lang == "da"

    clicked = ends - timedelta(days=20)
    until = await renew(token, "da", "192.0.2.0", clicked)
    assert until == clicked + timedelta(days=730)  # kept 24 months from the renewal
    event = await ConsentEvent.select().order_by(ConsentEvent.id, ascending=False).first()
    notice = await current_notice("candidate", "da")
    assert (str(event["candidate_ref"]), event["purpose"], event["action"], event["at"]) == (
        made["candidate_uid"], "talent_pool", "given", clicked)
    assert event["notice_version"] == notice.id and event["channel"] == "mail"
    assert event["identified_by"] == "renewal_link"
    assert (await Candidate.select().first())["erase_after"] == until


async def test_no_mail_without_the_talent_pool_or_once_it_is_gone(notices):
    pid = await open_position()
    await consenting_application(pid, created_at=T0)  # no talent pool
    await Position.update({Position.closed_at: T0}).where(Position.id == pid)
    assert await mail_renewals(T0 + timedelta(days=170)) == {"talent_pool": 0, "reconfirm": 0}


async def test_a_changed_purpose_text_mails_a_request_to_confirm_again(client, notices):
    made = await consenting_application(await open_position(), language="en")
    old = await current_notice("candidate", "en")
    texts = {**old.purpose_texts, "n": "HR may also invite me to a second interview."}
    new = await publish("candidate", "en", old.title, old.summary, old.body, texts, utcnow())
    cand = await Candidate.select().first()
    assert await stale_consents(cand) == ["n"]
    assert (await mail_renewals(utcnow()))["reconfirm"] == 1
    assert (await mail_renewals(utcnow()))["reconfirm"] == 0  # one mail per notice
    [mail] = await mails()
    assert mail["subject"] == "Please confirm your consent again"
    token = LINK.search(mail["body"]).group(1)
    page = await client.get(f"/me/renew/{token}?lang=en")
    assert page.status_code == 200
    assert "Let HR evaluate me in interviews" in page.text and texts["n"] in page.text
    assert 'aria-label="Confirm again: Let HR evaluate me in interviews"' in page.text
    done = await client.post(f"/me/renew/{token}", data={"_csrf_token": csrf_from(page.text)})
    assert done.status_code == 303 and done.headers["location"].startswith("/me/renewed")
    event = await ConsentEvent.select().order_by(ConsentEvent.id, ascending=False).first()
    assert (event["purpose"], event["notice_version"], str(event["candidate_ref"])) == (
        "n", new.id, made["candidate_uid"])
    assert await stale_consents(await Candidate.select().first()) == []
    # The link is spent: a second click is a friendly 404, not a second event.
    again = await client.get(f"/me/renew/{token}")
    assert again.status_code == 404 and "This link has been used or has expired" in again.text


async def test_one_click_from_the_mail_through_the_door_and_the_job(client, notices):
    now = utcnow()
    # The position closed long ago: the talent-pool keeping ends in 15 days.
    made = await pooled_candidate(now - timedelta(days=800), now - timedelta(days=715))
    job = next(j for j in JOBS if j.name == "consent_renewal_mails")
    assert job.trigger == "cron"
    assert await run_job(job, now) == {"talent_pool": 1, "reconfirm": 0}
    [mail] = await mails()
    token, lang = LINK.search(mail["body"]).groups()
    page = await client.get(f"/me/renew/{token}?lang={lang}")
    assert page.status_code == 200 and "Ja, gem min ansøgning" in page.text
    assert "Gem min ansøgning til fremtidige stillinger" in page.text
    events = await ConsentEvent.count()
    done = await client.post(f"/me/renew/{token}", data={"_csrf_token": csrf_from(page.text)})
    assert done.status_code == 303
    result = await client.get(done.headers["location"])
    assert result.status_code == 200 and "Tak, dit valg er gemt" in result.text
    assert await ConsentEvent.count() == events + 1
    cand = await Candidate.select().where(Candidate.id == made["candidate_id"]).first()
    assert cand["erase_after"] > now + timedelta(days=700)


async def test_a_link_whose_question_was_answered_on_the_page_asks_nothing(client, notices):
    from app.privacy.candidate_rights import change_consent

    made = await consenting_application(await open_position(), language="en")
    old = await current_notice("candidate", "en")
    texts = {**old.purpose_texts, "m": "HR may read my CV and my portfolio."}
    await publish("candidate", "en", old.title, old.summary, old.body, texts, utcnow())
    await mail_renewals(utcnow())
    token = LINK.search((await mails())[0]["body"]).group(1)
    await change_consent(made["candidate_id"], "m", True, language="en", ip_prefix="",
                         now=utcnow())  # confirmed again on their own page meanwhile
    events = await ConsentEvent.count()
    page = await client.get(f"/me/renew/{token}?lang=en")
    assert page.status_code == 200 and "Thank you, your choice is saved" in page.text
    assert "<button" not in page.text.split("<main")[-1]
    assert await ConsentEvent.count() == events
