"""Every rejection is the recorded human decision of GDPR Art. 22, whichever way it is made:
the stage form on the application page, the rejection message, a bulk action in the queue.
Each records who, when, and the reason as a rejection template's key, never free text; the
mail is the reviewer's choice (as in Greenhouse), the record is not. Before, the stage form's
"rejected" recorded no reason and sent nothing."""

import io
import json
import zipfile

import pytest

from app.clock import utcnow
from app.errors import ValidationFailed
from app.privacy.audit import Actor
from app.recruiting.pipeline import move_stage
from app.staff.sessions import open_session
from app.tables import Application, CandidateMessage, OutboxMail, StageChange
from tests.console.support import post_on, signed_in
from tests.console.test_bulk import _bulk
from tests.console.test_messages import send, url
from tests.factories import consenting_application, open_position


async def _stage_form(client, pid: int, aid: int, query: str = "", **fields: str):
    return await post_on(
        client,
        url(pid, aid) + query,
        url(pid, aid, "/stage") + query,
        {"to_stage": "rejected", "lock_version": "0", **fields},
    )


async def _reject(how: str, client, pid: int, aid: int) -> None:
    if how == "message":
        answer = await send(client, pid, aid, "rejection")
    elif how == "stage form, mail":
        answer = await _stage_form(client, pid, aid, reason="rejection", notify="true")
    elif how == "stage form, no mail":
        answer = await _stage_form(client, pid, aid, reason="rejection")
    else:
        action = "reject_with_template" if how == "bulk, mail" else "rejected"
        answer = await _bulk(client, pid, [aid], action)
        assert 'id="bulk-skipped"' not in answer.text
    assert answer.status_code in (200, 303)


@pytest.mark.parametrize(
    "how", ["message", "stage form, mail", "stage form, no mail", "bulk, mail", "bulk, no mail"]
)
async def test_every_way_of_rejecting_records_the_same_decision(client, how):
    staff_id = await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, "Rita Rejected")
    await _reject(how, client, pid, a["application_id"])

    app = await Application.select().where(Application.id == a["application_id"]).first()
    (change,) = await StageChange.select()
    assert (app["stage"], app["decided_by"]) == ("rejected", staff_id)
    assert (change["to_stage"], change["actor"], change["reason"]) == (
        "rejected",
        staff_id,
        "rejection",
    )
    assert change["at"] == app["decided_at"]
    mailed = "no mail" not in how
    assert await CandidateMessage.count() == (1 if mailed else 0)
    assert await OutboxMail.count() == (1 if mailed else 0)


async def test_the_stage_form_asks_for_the_reason_and_changes_nothing_without_it(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, "Nora Noreason")
    page = await client.get(url(pid, a["application_id"]))
    assert 'id="reject-fields"' in page.text and 'name="notify"' in page.text
    assert 'id="notify" name="notify" value="true" checked' in page.text  # mail by default

    refused = await _stage_form(client, pid, a["application_id"], notify="true")
    assert refused.status_code == 400
    assert 'id="reason-error"' in refused.text
    assert "Choose the reason for the rejection." in refused.text
    forged = await _stage_form(client, pid, a["application_id"], reason="because I said so")
    assert forged.status_code == 400 and 'id="reason-error"' in forged.text
    app = await Application.select().where(Application.id == a["application_id"]).first()
    assert app["stage"] == "received" and app["decided_at"] is None
    assert await StageChange.count() == 0 and await OutboxMail.count() == 0

    danish = await _stage_form(client, pid, a["application_id"], "?lang=da")
    assert "Vælg begrundelsen for afslaget." in danish.text


async def test_the_service_refuses_a_rejection_without_a_template_reason():
    pid = await open_position()
    a = await consenting_application(pid)
    from tests.factories import staff_member

    reviewer, _, _ = await staff_member("hr")
    actor = Actor("staff", reviewer, "hr")
    for reason in ("", "free text", "more_information"):
        with pytest.raises(ValidationFailed):
            await move_stage(actor, a["application_id"], pid, "rejected", 0, utcnow(), reason)
    assert await StageChange.count() == 0


async def test_the_candidate_sees_the_decision_and_its_time_on_their_page_and_export(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, "Mona Mailless")
    await _reject("stage form, no mail", client, pid, a["application_id"])
    app = await Application.select().where(Application.id == a["application_id"]).first()
    client.cookies.set(
        "intake_candidate", await open_session(utcnow(), candidate_id=a["candidate_id"])
    )
    me = await client.get("/me")
    decided = me.text.split(f'id="decided-{a["application_id"]}">')[1].split("</span>")[0]
    assert "Decided by a person" in decided
    export = await client.get("/me/export")
    with zipfile.ZipFile(io.BytesIO(export.content)) as z:
        data = json.loads(z.read("my-data.json"))
    (mine,) = data["applications"]
    (change,) = mine["stage_changes"]
    assert (mine["stage"], change["to_stage"], change["reason"]) == (
        "rejected",
        "rejected",
        "rejection",
    )
    assert mine["decided_at"] == change["at"]
    from app.dates import moment

    # The page shows the same instant the export holds, in the company's zone.
    assert moment(app["decided_at"], "en") in decided
