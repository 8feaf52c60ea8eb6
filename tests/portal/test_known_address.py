"""Issue 16.1: a stranger cannot give consent in a candidate's name.

Anyone may type a known candidate's address into the public apply form. Nothing of the
candidate's changes and staff see nothing, until the mailbox owner confirms through the
single-use link mailed to that address; only then are the choices recorded, identified by that
link. The form answers the same, and sends one mail, whether or not the address is known."""

import re
from datetime import timedelta

import httpx
from litestar.testing import AsyncTestClient

from app.clock import utcnow
from app.main import create_app
from app.recruiting.cv_store import read_cv
from app.tables import (
    Application,
    AuditEvent,
    Candidate,
    ConsentEvent,
    CVFile,
    DeletionReceipt,
    OutboxMail,
    Position,
    UnconfirmedApplication,
)
from tests.console.support import signed_in
from tests.cv_storage import is_stored
from tests.helpers import csrf_from
from tests.portal.support import PDF, apply_via_portal, position_slug

OWNER = "owner@example.org"
STRANGER_CV = PDF.replace(b"planted-cv-marker-PDF", b"strangers-cv-marker")
CONFIRM_LINK = re.compile(r"https?://\S+/me/confirm/(\S+)")
# What differs between two renderings of one page: the CSRF token and the CSP nonce.
VOLATILE = re.compile(r'(name="_csrf_token" value|nonce)="[^"]*"')


def same_page(html: str) -> str:
    return VOLATILE.sub("", html)


async def fresh_client(settings):
    """Another browser: no cookie, no session."""
    return AsyncTestClient(app=create_app(settings), base_url="https://testserver.local")


async def mails_to(address: str) -> list[dict]:
    return await OutboxMail.select().where(OutboxMail.to_address == address).order_by(
        OutboxMail.id)


async def owner_applies(client) -> tuple[str, dict]:
    """The owner's own first application: purpose m only, no marketing."""
    first = await position_slug("First job")
    response = await apply_via_portal(client, first, email=OWNER, full_name="Olga Owner",
                                      phone="+45 11 11 11 11", consent_n=None)
    assert response.status_code == 200
    owner = await Candidate.select().where(Candidate.email == OWNER).first()
    return first, owner


async def stranger_applies(settings, slug: str, email: str) -> httpx.Response:
    async with await fresh_client(settings) as stranger:
        stranger.follow_redirects = False
        return await apply_via_portal(
            stranger, slug, cv=STRANGER_CV, email=email, full_name="Mallory Stranger",
            phone="+45 66 66 66 66", cover_letter="Stranger-letter", consent_m="true",
            consent_n="true", talent_pool="true", marketing="true")


async def console_view(client, position_id: int) -> str:
    pages = [await client.get(p) for p in (
        "/console", "/console/positions", f"/console/positions/{position_id}/applications")]
    assert all(p.status_code == 200 for p in pages), [p.status_code for p in pages]
    return "".join(same_page(p.text) for p in pages)


async def test_a_stranger_with_a_known_address_changes_nothing_and_staff_see_nothing(
        client, notices, settings):
    _, owner = await owner_applies(client)
    events_before = await ConsentEvent.select()
    second = await position_slug("Second job")
    position = await Position.select().where(Position.slug == second).first()
    async with await fresh_client(settings) as hr:
        hr.follow_redirects = False
        await signed_in(hr, "hr")
        staff_before = await console_view(hr, position["id"])
        mails_before = len(await mails_to(OWNER))

        known = await stranger_applies(settings, second, OWNER)
        # Staff see nothing of it: no page of theirs changed (queue, counts, home).
        assert await console_view(hr, position["id"]) == staff_before
        held = await UnconfirmedApplication.select().first()
        assert held["candidate"] == owner["id"] and held["position"] == position["id"]
        assert await Application.count().where(Application.position == position["id"]) == 0
        # ... and it is not openable by any id it could have.
        for guess in (held["id"], held["id"] + 1, owner["id"]):
            opened = await hr.get(f"/console/positions/{position['id']}/applications/{guess}")
            assert opened.status_code == 404

    unknown = await stranger_applies(settings, second, "nobody-yet@example.org")
    # The same answer for a known and an unknown address.
    assert known.status_code == unknown.status_code == 200
    assert same_page(known.text) == same_page(unknown.text)
    assert sorted(known.cookies.keys()) == sorted(unknown.cookies.keys())
    # Exactly one mail either way, with the same subject.
    to_owner = (await mails_to(OWNER))[mails_before:]
    to_new = await mails_to("nobody-yet@example.org")
    assert len(to_owner) == 1 and len(to_new) == 1
    assert to_owner[0]["subject"] == to_new[0]["subject"]
    assert CONFIRM_LINK.search(to_owner[0]["body"])
    # Nothing of the owner's changed: no consent, no details, no application.
    assert await ConsentEvent.select().where(ConsentEvent.candidate_ref == owner["uid"]) == [
        e for e in events_before if e["candidate_ref"] == owner["uid"]]
    assert await Candidate.select().where(Candidate.id == owner["id"]).first() == owner
    assert await Application.count().where(Application.candidate == owner["id"]) == 1


async def confirmation_token() -> str:
    mail = (await mails_to(OWNER))[-1]
    match = CONFIRM_LINK.search(mail["body"])
    assert match, mail["body"]
    return match.group(1)


async def test_the_owner_confirms_and_only_then_the_choices_count(client, notices, settings):
    _, owner = await owner_applies(client)
    second = await position_slug("Second job")
    await stranger_applies(settings, second, OWNER)
    token = await confirmation_token()
    async with await fresh_client(settings) as mailbox:
        mailbox.follow_redirects = False
        page = await mailbox.get(f"/me/confirm/{token}")
        assert page.status_code == 200
        assert "Second job" in page.text and "Stranger-letter" in page.text
        assert await Application.count().where(Application.candidate == owner["id"]) == 1
        done = await mailbox.post(f"/me/confirm/{token}",
                                  data={"_csrf_token": csrf_from(page.text),
                                        "decision": "confirm"})
        assert done.status_code == 303 and done.headers["location"].startswith("/me")
        assert (await mailbox.get("/me")).status_code == 200  # the link opened their page
        # Single use: the same link again, by GET or POST, finds nothing.
        assert (await mailbox.get(f"/me/confirm/{token}")).status_code == 404
        again = await mailbox.post(f"/me/confirm/{token}",
                                   data={"_csrf_token": csrf_from(page.text),
                                         "decision": "confirm"})
        assert again.status_code == 404
    apps = await Application.select().where(Application.candidate == owner["id"])
    assert len(apps) == 2 and await UnconfirmedApplication.count() == 0
    cv = await CVFile.select().where(CVFile.application == max(a["id"] for a in apps)).first()
    assert await read_cv(cv) == STRANGER_CV
    events = await ConsentEvent.select().where(
        (ConsentEvent.candidate_ref == owner["uid"]) & (ConsentEvent.at > owner["created_at"]))
    assert sorted((e["purpose"], e["identified_by"]) for e in events) == [
        ("marketing", "confirmation_link"), ("n", "confirmation_link"),
        ("talent_pool", "confirmation_link")]  # m was given already: nothing new to prove
    fresh = await Candidate.select().where(Candidate.id == owner["id"]).first()
    assert fresh["consent_n"] and fresh["marketing"]
    assert fresh["full_name"] == "Olga Owner" and fresh["phone"] == "+45 11 11 11 11"
    assert await Application.count() == 2  # no duplicate from the second POST


async def test_the_owner_can_erase_what_a_stranger_sent(client, notices, settings):
    _, owner = await owner_applies(client)
    await stranger_applies(settings, await position_slug("Second job"), OWNER)
    held = await UnconfirmedApplication.select().first()
    assert await is_stored(held["storage_name"])
    token = await confirmation_token()
    page = await client.get(f"/me/confirm/{token}")
    erased = await client.post(f"/me/confirm/{token}",
                               data={"_csrf_token": csrf_from(page.text), "decision": "discard"})
    assert erased.status_code == 200 and "erased" in erased.text
    assert await UnconfirmedApplication.count() == 0
    assert not await is_stored(held["storage_name"])
    assert await DeletionReceipt.exists().where(DeletionReceipt.reference == str(held["uid"]))
    assert await ConsentEvent.count().where(ConsentEvent.identified_by == "confirmation_link") \
        == 0
    assert await Application.count().where(Application.candidate == owner["id"]) == 1


async def test_unconfirmed_applications_are_erased_by_the_retention_job(client, notices,
                                                                       settings):
    from app.jobs import JOBS, run_job
    from app.recruiting.applications import ApplyInput, apply

    await owner_applies(client)
    slug = await position_slug("Second job")
    sent_at = utcnow()
    data = ApplyInput(full_name="Mallory", email=OWNER.upper(), phone="", cover_letter="",
                      consents=("m", "n"), language="en", ip_prefix="192.0.2.0")
    result = await apply(slug, data, "cv.pdf", STRANGER_CV, sent_at)
    assert not result.created and result.application_id == 0
    held = await UnconfirmedApplication.select().first()
    assert held["erase_after"] == sent_at + timedelta(hours=48)
    sweep = next(job for job in JOBS if job.name == "retention_sweep")
    await run_job(sweep, sent_at + timedelta(hours=47))
    assert await UnconfirmedApplication.count() == 1
    counts = await run_job(sweep, sent_at + timedelta(hours=48, minutes=1))
    assert counts["unconfirmed_applications"] == 1
    assert await UnconfirmedApplication.count() == 0
    assert not await is_stored(held["storage_name"])  # its key and its file
    assert await DeletionReceipt.exists().where(DeletionReceipt.reference == str(held["uid"]))
    assert await Application.count() == 1 and await ConsentEvent.count().where(
        ConsentEvent.identified_by == "confirmation_link") == 0
    # Its link died with it.
    assert (await client.get(f"/me/confirm/{await confirmation_token()}")).status_code == 404


async def test_erasing_the_candidate_erases_what_waits_for_them(client, notices, settings):
    from app.privacy.candidate_rights import erase_me

    _, owner = await owner_applies(client)
    await stranger_applies(settings, await position_slug("Second job"), OWNER)
    held = await UnconfirmedApplication.select().first()
    await erase_me(owner["id"], utcnow())
    assert await UnconfirmedApplication.count() == 0
    assert not await is_stored(held["storage_name"])


async def test_the_waiting_cv_is_not_an_orphan_file(client, notices, settings):
    from app.privacy.housekeeping import sweep_orphan_cv_files

    await owner_applies(client)
    await stranger_applies(settings, await position_slug("Second job"), OWNER)
    held = await UnconfirmedApplication.select().first()
    assert await sweep_orphan_cv_files(utcnow() + timedelta(days=1)) == 0
    assert await is_stored(held["storage_name"])


async def test_the_arrival_is_audited_without_the_strangers_data(client, notices, settings):
    _, owner = await owner_applies(client)
    await stranger_applies(settings, await position_slug("Second job"), OWNER)
    row = await AuditEvent.select().where(
        AuditEvent.action == "application_awaits_confirmation").first()
    assert row["subject_ref"] == str(owner["uid"])
    assert "Mallory" not in str(row) and "Stranger" not in str(row)


def test_the_waiting_period_is_a_setting(tmp_path):
    import pytest

    from app.config import ConfigError, load_settings

    env = {"INTAKE_SECRET_KEY": "k" * 40, "INTAKE_DATA_DIR": str(tmp_path)}
    assert load_settings(env).retention.unconfirmed_application_hours == 48
    hours = {**env, "INTAKE_UNCONFIRMED_APPLICATION_HOURS": "12"}
    assert load_settings(hours).retention.unconfirmed_application_hours == 12
    for bad in ("0", "-1", "721", "soon"):
        with pytest.raises(ConfigError):
            load_settings({**env, "INTAKE_UNCONFIRMED_APPLICATION_HOURS": bad})


async def test_screening_answers_wait_with_the_application_and_arrive_when_confirmed(
        client, notices, settings):
    from app.privacy.audit import SYSTEM
    from app.recruiting.screening import QuestionDraft, add_question
    from app.tables import ScreeningAnswer

    _, owner = await owner_applies(client)
    second = await position_slug("Second job")
    pid = (await Position.select().where(Position.slug == second).first())["id"]
    question = await add_question(SYSTEM, pid, QuestionDraft(
        "yes_no", "Can you work in Copenhagen?", "The job is on site.", (), ()), utcnow())
    async with await fresh_client(settings) as stranger:
        answered = await apply_via_portal(stranger, second, email=OWNER,
                                          **{f"q_{question}": "yes"})
    assert answered.status_code == 200
    assert await ScreeningAnswer.count() == 0  # nothing of it reaches an application yet
    token = await confirmation_token()
    page = await client.get(f"/me/confirm/{token}")
    await client.post(f"/me/confirm/{token}",
                      data={"_csrf_token": csrf_from(page.text), "decision": "confirm"})
    answers = await ScreeningAnswer.select()
    assert [a["answer"] for a in answers] == ["yes"]
    confirmed = await Application.select().where(Application.position == pid).first()
    assert confirmed["candidate"] == owner["id"] and answers[0]["application"] == confirmed["id"]


async def test_a_candidate_signed_in_through_a_mailed_link_applies_as_themself(
        client, notices, settings):
    from tests.portal.support import sign_in

    _, owner = await owner_applies(client)
    await sign_in(client, OWNER)
    second = await position_slug("Second job")
    response = await apply_via_portal(client, second, email=OWNER, consent_n="true")
    assert response.status_code == 200
    assert await UnconfirmedApplication.count() == 0
    assert await Application.count().where(Application.candidate == owner["id"]) == 2
    events = await ConsentEvent.select().where(ConsentEvent.purpose == "n")
    assert [e["identified_by"] for e in events] == ["mailed_link_session"]
    # Their session proves their own address only: another candidate's still waits.
    other = await position_slug("Third job")
    await stranger_applies(settings, other, "someone-else@example.org")
    response = await apply_via_portal(client, other, email="someone-else@example.org",
                                      marketing="true")
    assert response.status_code == 200
    assert await UnconfirmedApplication.count() == 1
    assert await ConsentEvent.count().where(ConsentEvent.purpose == "marketing") == 1
