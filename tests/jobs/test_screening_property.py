"""Screening flags never decide (issue 21 point 7; GDPR Art. 22): whatever the answers and
whatever HR marked, the queue's order and every application's stage are those of the same
applications with no flag at all. A property test over random applications and answers."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import utcnow
from app.privacy.audit import SYSTEM, Actor
from app.recruiting import review, screening
from app.tables import ALL_TABLES, Application, ScreeningAnswer
from tests.factories import consenting_application, open_position

HR = Actor("staff", None, "hr")
applicant = st.fixed_dictionaries({
    "minutes": st.integers(0, 3),  # equal times too: ties are broken by id, never by a flag
    "m": st.booleans(),
    "answers": st.tuples(st.sampled_from(["yes", "no", ""]), st.sampled_from(["A", "B", "C", ""])),
})
marks = st.tuples(st.sampled_from([(), ("yes",), ("no",), ("yes", "no")]),
                  st.sampled_from([(), ("A",), ("B", "C")]))


async def queue_facts(position_id: int) -> list[tuple[int, str, bool]]:
    rows, _ = await review.queue(HR, position_id, review.QueueFilter(), None, utcnow(), limit=50)
    return [(r.id, r.stage, r.flagged) for r in rows]


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(applicant, min_size=1, max_size=6), flagging=marks)
async def test_flags_never_change_the_queue_order_or_the_stage(people, flagging):
    for table in reversed(ALL_TABLES):
        await table.delete(force=True)
    now = utcnow()
    pid = await open_position()
    yes_no = await screening.add_question(SYSTEM, pid, screening.QuestionDraft(
        "yes_no", "Can you work in Denmark?", "The job is here.", (), flagging[0]), now)
    choice = await screening.add_question(SYSTEM, pid, screening.QuestionDraft(
        "choice", "Which team?", "To route your CV.", ("A", "B", "C"), flagging[1]), now)
    expected_flag = {}
    for i, person in enumerate(people):
        made = await consenting_application(pid, f"Person {i}", m=person["m"], cv=None,
                                            created_at=now + timedelta(minutes=person["minutes"]))
        answers = tuple((q, a) for q, a in zip((yes_no, choice), person["answers"], strict=True) if a)
        await screening.store_answers(made["application_id"], pid, answers)
        hit = any(a in mark for a, mark in zip(person["answers"], flagging, strict=True) if a)
        expected_flag[made["application_id"]] = hit and person["m"]
    with_flags = await queue_facts(pid)
    flagged_rows = await ScreeningAnswer.count().where(ScreeningAnswer.flagged == True)  # noqa: E712
    await ScreeningAnswer.update({ScreeningAnswer.flagged: False}, force=True)
    without = await queue_facts(pid)
    # the same rows in the same order with the same stages; only the flag column may differ
    assert [(i, s) for i, s, _ in with_flags] == [(i, s) for i, s, _ in without]
    assert all(stage == "received" for _, stage, _ in with_flags)
    assert not any(f for _, _, f in without)
    stored = await Application.select(Application.id, Application.stage).order_by(
        Application.created_at).order_by(Application.id)
    assert [r["id"] for r in stored] == [i for i, _, _ in with_flags]
    # the flag shows exactly where an answer HR marked was given and the reviewer may see
    # the answers (consent m)
    assert {i: f for i, _, f in with_flags} == expected_flag
    assert flagged_rows >= sum(expected_flag.values())
