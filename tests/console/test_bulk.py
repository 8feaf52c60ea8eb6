"""Bulk actions in the queue (issue 17.6): the reviewer ticks applications and picks one
action; each application gets its own stage change and audit record in the clicker's name,
in its own transaction; those decide() refuses (no n, frozen, withdrawn) or the pipeline
cannot move are skipped and reported with the reason, and stay exactly as they were."""

from app.tables import Application, AuditEvent, CandidateMessage, OutboxMail, StageChange
from tests.console.support import signed_in
from tests.factories import consenting_application, open_position
from tests.helpers import csrf_from


async def _bulk(client, pid: int, ids: list[int], action: str):
    queue = await client.get(f"/console/positions/{pid}/applications")
    assert queue.status_code == 200
    for i in ids:
        assert f'name="selected" value="{i}"' in queue.text
    return await client.post(
        f"/console/positions/{pid}/applications/bulk",
        data={
            "selected": [str(i) for i in ids],
            "bulk_action": action,
            "_csrf_token": csrf_from(queue.text),
        },
    )


async def _stage(application_id: int) -> str:
    row = (
        await Application.select(Application.stage).where(Application.id == application_id).first()
    )
    return row["stage"]


async def test_each_selected_application_moves_on_its_own_and_refusals_are_reported(client):
    staff_id = await signed_in(client, "hr")
    pid = await open_position()
    ok1 = (await consenting_application(pid, "Anna One"))["application_id"]
    ok2 = (await consenting_application(pid, "Bent Two"))["application_id"]
    no_n = (await consenting_application(pid, "Carl NoN", n=False))["application_id"]
    frozen = (await consenting_application(pid, "Dina Frozen"))["application_id"]
    await Application.update({Application.restricted: True}).where(Application.id == frozen)
    untouched = (await consenting_application(pid, "Eva Unticked"))["application_id"]

    answer = await _bulk(client, pid, [ok1, ok2, no_n, frozen], "screening")
    assert answer.status_code == 200
    done, skipped = answer.text.split('id="bulk-skipped"')
    assert "Anna One" in done and "Bent Two" in done
    assert "Carl NoN" in skipped and "not consented to purpose n" in skipped
    assert "Dina Frozen" in skipped and "restricted" in skipped
    assert [await _stage(i) for i in (ok1, ok2, no_n, frozen, untouched)] == [
        "screening",
        "screening",
        "received",
        "received",
        "received",
    ]
    changes = await StageChange.select().order_by(StageChange.id)
    assert [(c["application"], c["actor"], c["to_stage"]) for c in changes] == [
        (ok1, staff_id, "screening"),
        (ok2, staff_id, "screening"),
    ]
    moved = await AuditEvent.select(AuditEvent.object_id, AuditEvent.actor_id).where(
        AuditEvent.action == "stage_changed"
    )
    assert sorted((int(r["object_id"]), r["actor_id"]) for r in moved) == [
        (ok1, staff_id),
        (ok2, staff_id),
    ]
    # A stage that cannot follow is skipped too: received -> offer skips two stages.
    again = await _bulk(client, pid, [ok1, untouched], "offer")
    assert "That stage cannot follow the current stage." in again.text
    assert await _stage(untouched) == "received" and await _stage(ok1) == "screening"


async def test_reject_with_the_template_sends_each_its_message_and_records_the_reason(client):
    staff_id = await signed_in(client, "hr")
    pid = await open_position("Tester")
    ids = [
        (await consenting_application(pid, name))["application_id"]
        for name in ("Finn Five", "Gry Six")
    ]
    no_n = (await consenting_application(pid, "Hans NoN", n=False))["application_id"]
    answer = await _bulk(client, pid, [*ids, no_n], "reject_with_template")
    assert answer.status_code == 200
    assert [await _stage(i) for i in (*ids, no_n)] == ["rejected", "rejected", "received"]
    changes = await StageChange.select().order_by(StageChange.id)
    assert {(c["application"], c["actor"], c["reason"]) for c in changes} == {
        (i, staff_id, "rejection") for i in ids
    }
    assert await CandidateMessage.count() == 2 and await OutboxMail.count() == 2
    decided = await Application.select(Application.decided_by).where(Application.id.is_in(ids))
    assert [d["decided_by"] for d in decided] == [staff_id, staff_id]


async def test_nothing_selected_or_a_forged_action_changes_nothing(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = (await consenting_application(pid))["application_id"]
    empty = await _bulk(client, pid, [], "screening")
    assert empty.status_code == 400 and "Select at least one application." in empty.text
    forged = await _bulk(client, pid, [a], "hired_by_rule")
    assert forged.status_code == 400
    # Another position's application in the selection is not touched either.
    other = await open_position("Other")
    theirs = (await consenting_application(other, "Ida Elsewhere"))["application_id"]
    queue = await client.get(f"/console/positions/{pid}/applications")
    await client.post(
        f"/console/positions/{pid}/applications/bulk",
        data={
            "selected": [str(theirs)],
            "bulk_action": "screening",
            "_csrf_token": csrf_from(queue.text),
        },
    )
    assert await _stage(a) == "received" and await _stage(theirs) == "received"
    assert await StageChange.count() == 0
