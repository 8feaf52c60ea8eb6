"""Scorecards (issue 17, purpose n): HR's 2-8 criteria per position; each reviewer scores 1-4
with nothing preselected; colleagues' scores only after one's own; consent gating through
decide(); the scores in the candidate's export and erased with them."""

import io
import json
import zipfile

import pytest

from app.clock import utcnow
from app.privacy import candidate_rights
from app.privacy.audit import Actor
from app.privacy.export import export_zip
from app.recruiting import scorecards
from app.tables import Application, CriterionScore, Scorecard, ScorecardCriterion
from tests.console.support import post_on, signed_in
from tests.factories import (
    consenting_application,
    criteria,
    open_position,
    set_consent,
    staff_member,
)
from tests.helpers import login_staff


def url(pid: int, aid: int, tail: str = "") -> str:
    return f"/console/positions/{pid}/applications/{aid}{tail}"


async def sign_in_as(client, email: str) -> int:
    staff_id, _, password = await staff_member("hr", email=email)
    client.cookies.clear()
    assert (await login_staff(client, email, password)).status_code == 303
    return staff_id


async def test_hr_defines_two_to_eight_criteria_with_messages_beside_the_fields(client):
    await signed_in(client, "hr")
    pid = await open_position()
    page = f"/console/positions/{pid}/criteria"
    one = await post_on(client, page, page, {"name_0": "Only one"})
    assert one.status_code == 400 and "A scorecard has 2 to 8 criteria." in one.text
    assert 'value="Only one"' in one.text  # what was typed is kept
    nameless = await post_on(client, page, page, {"name_0": "A", "description_1": "Why"})
    assert nameless.status_code == 400 and 'id="name_1-error"' in nameless.text
    long = await post_on(client, page, page, {"name_0": "A", "name_1": "B" * 81})
    assert long.status_code == 400 and 'id="name_1-error"' in long.text
    assert await ScorecardCriterion.count() == 0  # nothing half-stored
    saved = await post_on(
        client, page, page, {"name_0": "Communication", "description_0": "Explains clearly",
                             "name_1": "Problem solving"})  # fmt: skip
    assert saved.status_code == 303
    shown = (await client.get(page)).text
    assert 'value="Communication"' in shown and 'value="Explains clearly"' in shown


async def test_a_used_criterion_can_be_renamed_but_not_removed():
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    c1, c2 = await criteria(pid, "Craft", "Care")
    reviewer = Actor(kind="staff", id=(await staff_member("hr"))[0], role="hr")
    await scorecards.submit(reviewer, a["application_id"], pid, {c1: ("3", ""), c2: ("2", "")},
                            utcnow())  # fmt: skip
    with pytest.raises(Exception) as refused:
        await scorecards.save_criteria(reviewer, pid, [(c1, "", ""), (c2, "Care", ""),
                                                       (None, "Third", "")], utcnow())  # fmt: skip
    assert "rename it, but keep it" in refused.value.errors["name_0"]  # type: ignore[attr-defined]
    await scorecards.save_criteria(reviewer, pid, [(c1, "Craftsmanship", ""), (c2, "Care", "")],
                                   utcnow())  # fmt: skip
    names = [c["name"] for c in await scorecards.criteria_for(pid)]
    assert names == ["Craftsmanship", "Care"]


async def test_nothing_is_preselected_and_a_missing_score_is_told_beside_the_field(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    c1, c2 = await criteria(pid)
    page = url(pid, a["application_id"])
    fresh = await client.get(page)
    form = fresh.text.split('id="scorecard"')[1].split("</form>")[0]
    assert form.count('type="radio"') == 8 and "checked" not in form
    # A first reviewer reads words, not "0 colleagues", and an empty history says so.
    assert "No colleague has submitted a scorecard yet." in fresh.text
    assert "0 colleagues" not in fresh.text and 'id="no-history"' in fresh.text
    missing = await post_on(client, page, page + "/scorecard",
                            {f"score_{c1}": "3", f"note_{c2}": "Kept note"})  # fmt: skip
    assert missing.status_code == 400
    assert (
        f'id="score_{c2}-error"' in missing.text and "Choose a score from 1 to 4." in missing.text
    )
    assert "Kept note" in missing.text and f'name="score_{c1}" value="3" checked' in missing.text
    assert await Scorecard.count() == 0 and await CriterionScore.count() == 0


async def test_a_reviewer_sees_colleagues_scores_only_after_submitting_their_own(client):
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    c1, c2 = await criteria(pid)
    page = url(pid, a["application_id"])
    await sign_in_as(client, "first@example.org")
    first = {f"score_{c1}": "4", f"score_{c2}": "4", f"note_{c1}": "Anchor note"}
    assert (await post_on(client, page, page + "/scorecard", first)).status_code == 303
    await sign_in_as(client, "second@example.org")
    before = (await client.get(page)).text
    assert "1 colleague has submitted a scorecard." in before
    assert "Anchor note" not in before and 'id="score-average"' not in before
    queue = (await client.get(f"/console/positions/{pid}/applications")).text
    assert "4.00" not in queue  # nor in the queue's score column
    second = {f"score_{c1}": "2", f"score_{c2}": "1"}
    done = await post_on(client, page, page + "/scorecard", second)
    assert done.status_code == 303
    after = (await client.get(page)).text
    assert "Anchor note" in after and "2.75 / 4" in after
    assert "never sorts or rejects anyone by it" in after
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["score_average"] == 275
    queue = (await client.get(f"/console/positions/{pid}/applications")).text
    assert "2.75" in queue  # shown once the reviewer's own card is in


@pytest.mark.parametrize("how", ["withdrawn_n", "restricted", "objected", "withdrawn"])
async def test_without_purpose_n_scores_are_hidden_and_scoring_is_refused(client, how):
    staff_id = await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    c1, c2 = await criteria(pid)
    me = Actor(kind="staff", id=staff_id, role="hr")
    await scorecards.submit(me, a["application_id"], pid,
                            {c1: ("3", "Secret note"), c2: ("3", "")}, utcnow())  # fmt: skip
    page = url(pid, a["application_id"])
    shown = await client.get(page)
    assert "Secret note" in shown.text
    assert "3.00" in (await client.get(f"/console/positions/{pid}/applications")).text
    if how == "withdrawn_n":
        await set_consent(a["candidate_id"], a["candidate_uid"], "n", False)
    else:
        change = {"restricted": {Application.restricted: True},
                  "objected": {Application.objected: True},
                  "withdrawn": {Application.stage: "withdrawn"}}[how]  # fmt: skip
        await Application.update(change).where(Application.id == a["application_id"])
    hidden = await client.get(page)
    assert "Secret note" not in hidden.text and 'id="scorecard-refused"' in hidden.text
    queue = (await client.get(f"/console/positions/{pid}/applications")).text
    assert "3.00" not in queue and "Secret note" not in queue
    from tests.helpers import csrf_from

    again = await client.post(
        page + "/scorecard",
        data={f"score_{c1}": "1", f"score_{c2}": "1", "_csrf_token": csrf_from(shown.text)},
    )
    assert again.status_code == 403
    notes = [s["score"] for s in await CriterionScore.select(CriterionScore.score)]
    assert notes == [3, 3]  # the earlier card is unchanged


async def test_scores_are_in_the_export_and_erased_with_the_candidate(notices):
    pid = await open_position()
    a = await consenting_application(pid, "Erin Export", cv=None)
    c1, c2 = await criteria(pid, "Craft", "Care")
    me = Actor(kind="staff", id=(await staff_member("hr"))[0], role="hr")
    await scorecards.submit(me, a["application_id"], pid,
                            {c1: ("4", "Planted-scorecard-note"), c2: ("1", "")}, utcnow())  # fmt: skip
    archive = zipfile.ZipFile(io.BytesIO(await export_zip(a["candidate_id"], utcnow())))
    [application] = json.loads(archive.read("my-data.json"))["applications"]
    [card] = application["scorecards"]
    assert {(s["criterion"], s["score"], s["note"]) for s in card["scores"]} == {
        ("Craft", 4, "Planted-scorecard-note"),
        ("Care", 1, ""),
    }
    assert application["score_average"] == 250
    await candidate_rights.erase_me(a["candidate_id"], utcnow())
    assert await Scorecard.count() == 0 and await CriterionScore.count() == 0
    assert await ScorecardCriterion.count() == 2  # HR's criteria stay with the position
