"""Talking to candidates (issue 17.4): templates admins keep in English and Danish with three
placeholders only; a message sent in the candidate's language through the outbox, shown on
their page and in their export; a rejection sent this way is a recorded human decision
(GDPR Art. 22); and nothing is sent where decide() refuses purpose n."""

import io
import json
import zipfile

import msgspec
import pytest

from app.clock import utcnow
from app.config import Cap, current, use
from app.recruiting import message_templates
from app.staff.sessions import open_session
from app.tables import (
    Application,
    AuditEvent,
    CandidateMessage,
    MessageTemplate,
    OutboxMail,
    StageChange,
)
from tests.console.support import post_on, signed_in
from tests.factories import consenting_application, open_position, set_consent


def url(position_id: int, application_id: int, tail: str = "") -> str:
    return f"/console/positions/{position_id}/applications/{application_id}{tail}"


async def send(client, pid: int, aid: int, template: str):
    row = await Application.select(Application.lock_version).where(Application.id == aid).first()
    return await post_on(
        client,
        url(pid, aid),
        url(pid, aid, "/message"),
        {"template": template, "lock_version": str(row["lock_version"])},
    )


async def test_an_admin_edits_a_template_and_an_unknown_placeholder_is_refused(client):
    await signed_in(client, "admin")
    await message_templates.ensure_defaults()
    page = await client.get("/console/messages")
    assert page.status_code == 200 and "{first_name}" in page.text
    fields = {
        "key": "more_information",
        "subject_en": "About {position}",
        "body_en": "Hi {first_name}, your {user.password} please",
        "subject_da": "Om {position}",
        "body_da": "Hej {first_name} fra {company}",
    }
    refused = await post_on(client, "/console/messages", "/console/messages", fields)
    assert refused.status_code == 400
    assert 'id="body_en-more_information-error"' in refused.text
    assert "Use only {first_name}, {position} and {company} in braces." in refused.text
    assert "your {user.password} please" in refused.text  # what was typed is kept
    stored = await MessageTemplate.select().where(MessageTemplate.key == "more_information").first()
    assert stored["subject_en"] == message_templates.DEFAULTS["more_information"]["subject_en"]
    # Fixed, it is saved, with who changed it in the audit log.
    saved = await post_on(
        client,
        "/console/messages",
        "/console/messages",
        {**fields, "body_en": "Hi {first_name}, tell us more."},
    )
    assert saved.status_code == 303
    stored = await MessageTemplate.select().where(MessageTemplate.key == "more_information").first()
    assert stored["body_en"] == "Hi {first_name}, tell us more." and stored["updated_by"]
    assert await AuditEvent.exists().where(AuditEvent.action == "message_template_changed")


async def test_the_danish_page_says_so_beside_the_field(client):
    await signed_in(client, "admin")
    fields = {
        "key": "rejection",
        "subject_en": "x {position",
        "body_en": "b",
        "subject_da": "s",
        "body_da": "b",
    }
    refused = await post_on(client, "/console/messages?lang=da", "/console/messages", fields)
    assert refused.status_code == 400
    assert "Brug kun {first_name}, {position} og {company} i krøllede parenteser." in refused.text


@pytest.mark.parametrize(
    "text",
    ["{first_name.__class__}", "{0}", "{{first_name}}", "{ position }", "50{% raw %}", "a } b"],
)
def test_only_the_three_placeholders_pass(text):
    assert message_templates.placeholder_problem(text)


def test_filling_is_one_pass_and_evaluates_nothing():
    values = {"first_name": "{company}", "position": "Dev", "company": "IP Dots"}
    assert message_templates.fill("Hi {first_name} at {company}: {position}", values) == (
        "Hi {company} at IP Dots: Dev"
    )


async def test_a_message_goes_in_the_candidates_language_to_their_page_and_export(client):
    await signed_in(client, "hr")
    pid = await open_position("Backend developer")
    a = await consenting_application(pid, "Dorte Dansk", language="da")
    sent = await send(client, pid, a["application_id"], "more_information")
    assert sent.status_code == 303
    mail = await OutboxMail.select().first()
    assert mail["subject"] == "Din ansøgning til stillingen Backend developer"
    assert mail["body"].startswith("Kære Dorte\n") and "/me" in mail["body"]
    assert mail["about"]
    message = await CandidateMessage.select().first()
    assert message["language"] == "da" and message["template_key"] == "more_information"
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "message_sent") & (AuditEvent.subject_ref == a["candidate_uid"])
    )
    # The console lists it as sent.
    page = await client.get(url(pid, a["application_id"]))
    assert 'id="contact"' in page.text and "Din ansøgning til stillingen" in page.text
    # The candidate reads it on their page, and finds it in their download.
    client.cookies.set(
        "intake_candidate", await open_session(utcnow(), candidate_id=a["candidate_id"])
    )
    me = await client.get("/me")
    assert "Kære Dorte" in me.text
    export = await client.get("/me/export")
    with zipfile.ZipFile(io.BytesIO(export.content)) as z:
        data = json.loads(z.read("my-data.json"))
    assert data["applications"][0]["messages"][0]["body"].startswith("Kære Dorte")


async def test_a_rejection_message_is_the_recorded_human_decision(client):
    staff_id = await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, "Rita Rejected")
    assert (await send(client, pid, a["application_id"], "rejection")).status_code == 303
    app = await Application.select().where(Application.id == a["application_id"]).first()
    assert app["stage"] == "rejected" and app["decided_by"] == staff_id and app["decided_at"]
    change = await StageChange.select().first()
    assert (change["to_stage"], change["actor"], change["reason"]) == (
        "rejected",
        staff_id,
        "rejection",
    )
    assert (await OutboxMail.select().first())["subject"].startswith("Your application")
    # Sent twice, the second finds the application rejected: nothing more is sent.
    again = await send(client, pid, a["application_id"], "rejection")
    assert again.status_code == 409
    assert await OutboxMail.count() == 1 and await CandidateMessage.count() == 1


@pytest.mark.parametrize("how", ["without n", "withdrawn", "restricted"])
async def test_no_message_without_purpose_n(client, how):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, n=how != "without n")
    if how == "withdrawn":
        await set_consent(a["candidate_id"], a["candidate_uid"], "n", False)
    if how == "restricted":
        await Application.update({Application.restricted: True}).where(
            Application.id == a["application_id"]
        )
    page = await client.get(url(pid, a["application_id"]))
    assert 'id="message-form"' not in page.text
    for template in ("more_information", "rejection"):
        refused = await post_on(
            client,
            url(pid, a["application_id"] - 0),
            url(pid, a["application_id"], "/message"),
            {"template": template, "lock_version": "0"},
        )
        assert refused.status_code == 403
    assert await OutboxMail.count() == 0 and await CandidateMessage.count() == 0
    app = await Application.select().where(Application.id == a["application_id"]).first()
    assert app["stage"] == "received"


async def test_a_forged_template_is_a_message_beside_the_field(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    forged = await send(client, pid, a["application_id"], "offer_letter")
    assert forged.status_code == 400 and 'id="template-error"' in forged.text
    assert await OutboxMail.count() == 0


async def test_hrs_mail_to_one_candidate_is_capped(client):
    """SECURITY.md "Mail and limits": every action that mails is capped; over the cap the
    reviewer is told why, in their language, and nothing is sent, kept or decided."""
    before = current()
    caps = msgspec.structs.replace(before.caps, candidate_messages=Cap(2, 86400))
    use(msgspec.structs.replace(before, caps=caps))
    try:
        await signed_in(client, "hr")
        pid = await open_position()
        a = await consenting_application(pid, "Carla Capped")
        for _ in range(2):
            assert (
                await send(client, pid, a["application_id"], "more_information")
            ).status_code == 303
        refused = await send(client, pid, a["application_id"], "rejection")
        assert refused.status_code == 429
        assert "This was sent too often for now" in refused.text
        assert await OutboxMail.count() == 2 and await CandidateMessage.count() == 2
        app = await Application.select().where(Application.id == a["application_id"]).first()
        assert app["stage"] == "received" and await StageChange.count() == 0
    finally:
        use(before)


async def test_the_interview_invitation_goes_only_with_a_calendar_entry(client):
    """Sent as a bare message it would invite to no time at all: the select leaves it out and
    the form refuses it; the interview form sends it with the entry (test_interviews.py)."""
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    page = await client.get(url(pid, a["application_id"]))
    select = page.text.split('id="template"', 1)[1].split("</select>", 1)[0]
    assert 'value="more_information"' in select and 'value="interview_invitation"' not in select
    refused = await send(client, pid, a["application_id"], "interview_invitation")
    assert refused.status_code == 400 and 'id="template-error"' in refused.text
    assert await OutboxMail.count() == 0
