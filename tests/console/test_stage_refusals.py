"""The stage-move route refuses what the consents and the candidate's rights forbid: without
consent n (purpose n: "evaluate your potential"), and on an application that is restricted
(Art. 18) or objected to (Art. 21). A refusal answers 403 and writes no stage change."""

import pytest

from app.tables import Application, StageChange
from tests.console.support import post_on, signed_in
from tests.factories import consenting_application, open_position


def url(position_id: int, application_id: int, tail: str = "") -> str:
    return f"/console/positions/{position_id}/applications/{application_id}{tail}"


@pytest.mark.parametrize("case", ["without n", "restricted", "objected"])
async def test_the_stage_route_refuses_and_writes_nothing(client, case):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, n=case != "without n")
    if case in ("restricted", "objected"):
        await Application.update({getattr(Application, case): True}).where(
            Application.id == a["application_id"]
        )
    page = url(pid, a["application_id"])
    response = await post_on(
        client, page, page + "/stage", {"to_stage": "screening", "lock_version": "0"}
    )
    assert response.status_code == 403, response.text[:300]
    assert await StageChange.count() == 0
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["stage"] == "received" and row["lock_version"] == 0


async def test_the_same_move_with_n_and_no_freeze_is_allowed(client):
    """The control: the refusals above come from the consents, not from the form."""
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, m=False)
    page = url(pid, a["application_id"])
    response = await post_on(
        client, page, page + "/stage", {"to_stage": "screening", "lock_version": "0"}
    )
    assert response.status_code == 303
    assert await StageChange.count() == 1
