"""The application page shows only what the consents allow; every access is audited; bad
input (forged ids, skipped stages, concurrent edits, frozen applications) changes nothing."""

from app.tables import Application, Comment, Scorecard, StageChange
from tests.console.support import audit_actions, post_on, signed_in
from tests.factories import consenting_application, criteria, open_position, set_consent


def url(position_id: int, application_id: int, tail: str = "") -> str:
    return f"/console/positions/{position_id}/applications/{application_id}{tail}"


async def test_with_m_and_n_the_reviewer_reads_the_cv_and_evaluates(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    page = await client.get(url(pid, a["application_id"]))
    assert page.status_code == 200
    assert "I like building things." in page.text and 'id="evaluation"' in page.text
    cv = await client.get(url(pid, a["application_id"], f"/cv/{a['cv_id']}"))
    assert cv.status_code == 200
    assert cv.content == b"%PDF-1.4 planted-cv-content"
    assert cv.headers["content-disposition"].startswith("attachment;")


async def test_with_m_only_no_evaluation_and_with_n_only_no_cv(client):
    await signed_in(client, "hr")
    pid = await open_position()
    only_m = await consenting_application(pid, "Mona M", n=False)
    only_n = await consenting_application(pid, "Nils N", m=False)
    page_m = await client.get(url(pid, only_m["application_id"]))
    assert "I like building things." in page_m.text and 'id="evaluation"' not in page_m.text
    page_n = await client.get(url(pid, only_n["application_id"]))
    assert 'id="background"' not in page_n.text and 'id="evaluation"' in page_n.text
    assert "I like building things." not in page_n.text
    refused = await client.get(url(pid, only_n["application_id"], f"/cv/{only_n['cv_id']}"))
    assert refused.status_code == 403


async def test_without_consent_only_name_position_and_waiting(client):
    await signed_in(client, "hr")
    pid = await open_position("Tester")
    a = await consenting_application(pid, "Wanda Waiting", m=False, n=False)
    page = await client.get(url(pid, a["application_id"]))
    assert page.status_code == 200
    assert "Wanda Waiting" in page.text and "Tester" in page.text
    assert "Waiting for consent" in page.text
    assert 'id="background"' not in page.text and 'id="evaluation"' not in page.text
    assert "+45 12 34 56 78" not in page.text


async def test_withdrawal_in_the_portal_refuses_the_next_console_request(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    page = url(pid, a["application_id"])
    assert (await client.get(url(pid, a["application_id"], f"/cv/{a['cv_id']}"))).status_code == 200
    shown = await client.get(page)  # the reviewer has the page open with its forms
    # Meanwhile the candidate withdraws both consents in another browser.
    await set_consent(a["candidate_id"], a["candidate_uid"], "m", False)
    await set_consent(a["candidate_id"], a["candidate_uid"], "n", False)
    from tests.helpers import csrf_from

    token = csrf_from(shown.text)
    [c1, c2] = await criteria(pid)
    scores = {f"score_{c1}": "4", f"score_{c2}": "3", "_csrf_token": token}
    rate = await client.post(page + "/scorecard", data=scores)
    assert rate.status_code == 403 and "not consented" in rate.text
    assert await Scorecard.count() == 0
    assert (await client.get(url(pid, a["application_id"], f"/cv/{a['cv_id']}"))).status_code == 403
    again = await client.get(page)
    assert "I like building things." not in again.text


async def test_restricted_application_is_frozen(client):
    await signed_in(client, "admin")
    pid = await open_position()
    a = await consenting_application(pid)
    await Application.update({Application.restricted: True}).where(
        Application.id == a["application_id"]
    )
    page = await client.get(url(pid, a["application_id"]))
    assert "Frozen" in page.text and 'id="background"' not in page.text
    response = await post_on(
        client,
        url(pid, a["application_id"]),
        url(pid, a["application_id"], "/comment"),
        {"body": "hello"},
    )
    assert response.status_code == 403 and await Comment.count() == 0


async def test_rate_comment_and_move_are_audited_without_personal_data(client):
    staff_id = await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, "Audrey Audit")
    page = url(pid, a["application_id"])
    await client.get(page)
    await client.get(url(pid, a["application_id"], f"/cv/{a['cv_id']}"))
    [c1, c2] = await criteria(pid)
    scores = {f"score_{c1}": "4", f"score_{c2}": "2", f"note_{c2}": "Quiet"}
    assert (await post_on(client, page, page + "/scorecard", scores)).status_code == 303
    assert (await post_on(client, page, page + "/comment", {"body": "Strong"})).status_code == 303
    moved = await post_on(
        client, page, page + "/stage", {"to_stage": "screening", "lock_version": "0"}
    )
    assert moved.status_code == 303
    actions = await audit_actions(a["candidate_uid"])
    for expected in (
        "application_viewed",
        "cv_downloaded",
        "scorecard_submitted",
        "comment_added",
        "stage_changed",
    ):
        assert expected in actions, expected
    from app.tables import AuditEvent

    events = await AuditEvent.select().where(AuditEvent.subject_ref == a["candidate_uid"])
    assert all(e["actor_id"] == staff_id for e in events)
    flat = repr(events)
    for planted in (
        "Audrey Audit",
        "I like building things.",
        "Strong",
        "Quiet",
        "+45 12 34 56 78",
        "planted-cv-content",
    ):
        assert planted not in flat
    change = await StageChange.select().first()
    assert change["actor"] == staff_id and change["to_stage"] == "screening"


async def test_a_stage_move_that_skips_a_stage_changes_nothing(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    page = url(pid, a["application_id"])
    for target in ("hired", "offer", "interview", "nonsense", "withdrawn"):
        response = await post_on(
            client, page, page + "/stage", {"to_stage": target, "lock_version": "0"}
        )
        assert response.status_code == 409, target
        assert "cannot follow" in response.text
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["stage"] == "received" and row["lock_version"] == 0
    assert await StageChange.count() == 0


async def test_two_reviewers_moving_at_once_the_second_is_told_and_nothing_changes(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    page = url(pid, a["application_id"])
    first = await post_on(
        client, page, page + "/stage", {"to_stage": "screening", "lock_version": "0"}
    )
    assert first.status_code == 303
    # The second reviewer still had version 0 on screen and chose "rejected".
    second = await post_on(
        client,
        page,
        page + "/stage",
        {"to_stage": "rejected", "lock_version": "0", "reason": "rejection"},
    )
    assert second.status_code == 409 and "Someone else changed" in second.text
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["stage"] == "screening" and row["decided_at"] is None
    assert await StageChange.count() == 1


async def test_a_rejection_records_who_and_when(client):
    staff_id = await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    page = url(pid, a["application_id"])
    response = await post_on(
        client,
        page,
        page + "/stage",
        {"to_stage": "rejected", "lock_version": "0", "reason": "rejection"},
    )
    assert response.status_code == 303
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["stage"] == "rejected" and row["decided_by"] == staff_id
    assert row["decided_at"] is not None


async def test_forged_ids_give_404_and_change_nothing(client):
    await signed_in(client, "hr")
    pid = await open_position("Mine")
    other = await open_position("Other")
    a = await consenting_application(other)
    assert (await client.get(url(pid, a["application_id"]))).status_code == 404
    assert (await client.get(url(pid, 999999))).status_code == 404
    assert (await client.get(url(pid, a["application_id"], f"/cv/{a['cv_id']}"))).status_code == 404
    assert (await client.get(url(other, a["application_id"], "/cv/999999"))).status_code == 404
    token_page = url(other, a["application_id"])
    for target in (url(pid, a["application_id"], "/scorecard"), url(pid, 999999, "/comment")):
        response = await post_on(client, token_page, target, {"score_1": "3", "body": "x"})
        assert response.status_code == 404
    assert await Scorecard.count() == 0 and await Comment.count() == 0


async def test_garbage_input_is_a_clear_400_never_a_500(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    page = url(pid, a["application_id"])
    [c1, _] = await criteria(pid)
    cases = [
        ("/scorecard", {f"score_{c1}": "11"}),
        ("/scorecard", {f"score_{c1}": "abc", "score_99999999999999": "1", "note_x": "y"}),
        ("/scorecard", {}),
        ("/comment", {"body": ""}),
        ("/comment", {"body": "x" * 6000}),
        ("/stage", {"to_stage": "interview"}),
        ("/stage", {"to_stage": "", "lock_version": "x"}),
    ]
    for tail, data in cases:
        response = await post_on(client, page, page + tail, data)
        assert response.status_code in (400, 409), (tail, data, response.status_code)
    assert await Scorecard.count() == 0 and await Comment.count() == 0
    for bad in ("/console/positions/abc/applications/1", url(pid, a["application_id"], "/cv/x")):
        assert (await client.get(bad)).status_code in (400, 404)


async def test_withdrawal_through_the_portal_service_takes_effect_on_the_next_request(client):
    from app.clock import utcnow
    from app.privacy.candidate_rights import change_consent

    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)
    page = url(pid, a["application_id"])
    cv = url(pid, a["application_id"], f"/cv/{a['cv_id']}")
    assert (await client.get(cv)).status_code == 200
    # The candidate withdraws purpose m on their own page (the portal's service).
    await change_consent(
        a["candidate_id"], "m", False, language="en", ip_prefix="192.0.2.0", now=utcnow()
    )
    assert (await client.get(cv)).status_code == 403
    shown = await client.get(page)
    assert 'id="background"' not in shown.text and 'id="evaluation"' in shown.text
    # Withdrawing n too erases the application at once: the reviewer finds nothing.
    await change_consent(
        a["candidate_id"],
        "n",
        False,
        language="en",
        ip_prefix="192.0.2.0",
        now=utcnow(),
        confirm_erase=True,
    )
    assert (await client.get(page)).status_code == 404
    assert (await client.get(cv)).status_code == 404


async def test_truly_concurrent_stage_moves_one_wins_the_other_is_told():
    import asyncio

    from app.clock import utcnow
    from app.errors import Conflict
    from app.privacy.audit import Actor
    from app.recruiting.pipeline import move_stage
    from tests.factories import staff_member

    first, _, _ = await staff_member("hr", email="first@example.org")
    second, _, _ = await staff_member("hr", email="second@example.org")
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    results = await asyncio.gather(
        move_stage(Actor("staff", first, "hr"), a["application_id"], pid, "screening", 0, utcnow()),
        move_stage(
            Actor("staff", second, "hr"),
            a["application_id"],
            pid,
            "rejected",
            0,
            utcnow(),
            reason="rejection",
        ),
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["lock_version"] == 1 and await StageChange.count() == 1
