"""Screening questions that never decide (issue 21 point 7): HR adds up to five, each with
its reason; the candidate sees them on the apply form and may leave them open; a marked
answer flags the application for a person, in the queue and on the application page, only
where consent m lets the reviewer see the answers; the answers are in the candidate's export
and erased with the application."""

import io
import json
import re
import zipfile

from app.clock import utcnow
from app.privacy import candidate_rights
from app.privacy.audit import SYSTEM
from app.privacy.export import export_zip
from app.recruiting.screening import QuestionDraft, add_question
from app.tables import Application, ScreeningAnswer, ScreeningQuestion
from tests.console.support import post_on, signed_in
from tests.factories import consenting_application, open_position, set_consent
from tests.portal.support import apply_via_portal, position_slug

WORK = {"kind": "yes_no", "prompt": "Can you work in Denmark from day one?",
        "reason": "The job is on site in Copenhagen.", "flag_answers": "nej"}
TEAM = {"kind": "choice", "prompt": "Which team interests you most?",
        "reason": "So the right team lead reads your CV.", "choices": "Platform\nData\nMobile",
        "flag_answers": "Mobile"}


async def test_hr_adds_questions_with_reasons_up_to_five(client):
    await signed_in(client, "hr")
    pid = await open_position()
    page = f"/console/positions/{pid}/questions"
    assert (await post_on(client, page, page, WORK)).status_code == 303
    assert (await post_on(client, page, page, TEAM)).status_code == 303
    rows = await ScreeningQuestion.select().order_by(ScreeningQuestion.id).output(load_json=True)
    assert [(r["kind"], r["flag_answers"]) for r in rows] == [("yes_no", ["no"]),
                                                              ("choice", ["Mobile"])]
    assert rows[1]["choices"] == ["Platform", "Data", "Mobile"]
    # every problem beside its field, what was typed kept
    bad = await post_on(client, page, page, {"kind": "choice", "prompt": "Pick one",
                                             "reason": "", "choices": "Only one",
                                             "flag_answers": "Other"})
    assert bad.status_code == 400
    for field in ("reason", "choices", "flag_answers"):
        assert f'id="{field}-error"' in bad.text, field
    assert 'value="Pick one"' in bad.text
    for n in range(3):
        await post_on(client, page, page, {**WORK, "prompt": f"Question {n}"})
    full = await post_on(client, page, page, {**WORK, "prompt": "A sixth"})
    assert full.status_code == 400 and "at most 5 screening questions" in full.text
    assert await ScreeningQuestion.count() == 5
    listed = await client.get(page)
    assert "The job is on site in Copenhagen." in listed.text
    danish = await client.get(page + "?lang=da")
    assert "Screeningsspørgsmål" in danish.text


async def test_the_candidate_sees_why_and_answers_and_nothing_is_decided(client, notices):
    slug = await position_slug("Platform engineer")
    pid = (await Application.raw("SELECT id FROM position WHERE slug = {}", slug))[0]["id"]
    work = await add_question(SYSTEM, pid, QuestionDraft(
        "yes_no", WORK["prompt"], WORK["reason"], (), ("no",)), utcnow())
    team = await add_question(SYSTEM, pid, QuestionDraft(
        "choice", TEAM["prompt"], TEAM["reason"], ("Platform", "Data", "Mobile"), ("Mobile",)),
        utcnow())
    form = await client.get(f"/apply/{slug}?lang=da")
    assert "Hvorfor vi spørger: The job is on site in Copenhagen." in form.text
    assert "Jeg vil helst ikke svare" in form.text
    # a forged option is refused beside its question, what was typed is kept
    bad = await apply_via_portal(client, slug, **{f"q_{team}": "Sales", f"q_{work}": "no"})
    assert bad.status_code == 400 and f'id="q_{team}-error"' in bad.text
    assert re.search(rf'name="q_{work}" type="radio" value="no"\s+checked', bad.text)
    done = await apply_via_portal(client, slug, **{f"q_{team}": "Mobile", f"q_{work}": "no"})
    assert done.status_code == 200, done.text[:500]
    app = await Application.select().first()
    assert app["stage"] == "received" and not app["restricted"]  # never rejected or hidden
    answers = await ScreeningAnswer.select().order_by(ScreeningAnswer.id)
    assert [(a["answer"], a["flagged"]) for a in answers] == [("no", True), ("Mobile", True)]
    assert answers[0]["prompt"] == WORK["prompt"]


async def test_leaving_every_question_open_is_fine(client, notices):
    slug = await position_slug()
    pid = (await Application.raw("SELECT id FROM position WHERE slug = {}", slug))[0]["id"]
    await add_question(SYSTEM, pid, QuestionDraft("text", "Notice period?", "To plan.", ()),
                       utcnow())
    assert (await apply_via_portal(client, slug)).status_code == 200
    assert await ScreeningAnswer.count() == 0


async def flagged_application(pid: int, name: str, **kw) -> dict:
    made = await consenting_application(pid, name, **kw)
    q = await ScreeningQuestion.select().where(ScreeningQuestion.position == pid).first()
    if q is None:
        qid = await add_question(SYSTEM, pid, QuestionDraft(
            "yes_no", WORK["prompt"], WORK["reason"], (), ("no",)), utcnow())
    else:
        qid = q["id"]
    from app.recruiting.screening import store_answers

    await store_answers(made["application_id"], pid, ((qid, "no"),))
    return made


async def test_the_flag_and_the_answers_show_only_with_consent_m(client):
    await signed_in(client, "hr")
    pid = await open_position()
    with_m = await flagged_application(pid, "Mia Consenting")
    without_m = await flagged_application(pid, "Nora Evaluation", m=False)
    queue = (await client.get(f"/console/positions/{pid}/applications")).text
    mia_row = queue.split("Mia Consenting")[1].split("</tr>")[0]
    nora_row = queue.split("Nora Evaluation")[1].split("</tr>")[0]
    assert "Flagged for a look" in mia_row and "Flagged for a look" not in nora_row
    page = await client.get(f"/console/positions/{pid}/applications/{with_m['application_id']}")
    assert WORK["prompt"] in page.text and "Flagged for a look" in page.text
    hidden = await client.get(f"/console/positions/{pid}/applications/{without_m['application_id']}")
    assert WORK["prompt"] not in hidden.text
    # withdrawn m: gone at the next request; restricted: frozen, no flag either
    await set_consent(with_m["candidate_id"], with_m["candidate_uid"], "m", False)
    queue = (await client.get(f"/console/positions/{pid}/applications")).text
    assert "Flagged for a look" not in queue


async def test_answers_are_in_the_export_and_erased_with_the_application(notices):
    pid = await open_position()
    made = await flagged_application(pid, "Erin Export")
    archive = zipfile.ZipFile(io.BytesIO(await export_zip(made["candidate_id"], utcnow())))
    data = json.loads(archive.read("my-data.json"))
    [application] = data["applications"]
    assert application["screening_answers"] == [
        {"prompt": WORK["prompt"], "answer": "no", "flagged": True}]
    await candidate_rights.erase_me(made["candidate_id"], utcnow())
    assert await ScreeningAnswer.count() == 0
    assert await ScreeningQuestion.count() == 1  # HR's question stays with the position
