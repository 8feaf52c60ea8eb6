"""allowed_rows_sql() is decide() in SQL (the queue's score order relies on it, issue 17): on
every combination of the flags decide() reads, the rows it lets through are exactly the rows
decide() allows, for every action and role, on the database under test."""

import itertools

from app.db import fetch
from app.privacy.access import ACTIONS, allowed_rows_sql, decide
from app.tables import Application
from tests.factories import application_row, candidate_row, position_row


async def test_the_sql_form_agrees_with_decide_on_every_combination():
    pid = await position_row()
    facts: dict[int, tuple[dict, dict]] = {}
    for i, (m, n, restricted, objected, stage) in enumerate(
        itertools.product((False, True), (False, True), (False, True), (False, True),
                          ("received", "interview", "hired", "withdrawn"))
    ):  # fmt: skip
        cid, _ = await candidate_row(f"Combo {i}", consent_m=m, consent_n=n)
        aid, _ = await application_row(cid, pid, stage=stage)
        await Application.update(
            {Application.restricted: restricted, Application.objected: objected}
        ).where(Application.id == aid)
        facts[aid] = ({"restricted": restricted, "objected": objected, "stage": stage},
                      {"consent_m": m, "consent_n": n})  # fmt: skip
    for role, action in itertools.product(("hr", "admin", "reception", ""), (*ACTIONS, "x")):
        condition, args = allowed_rows_sql(role, action)
        rows = await fetch(
            "SELECT a.id FROM application a JOIN candidate c ON c.id = a.candidate "
            f"WHERE a.position = ? AND {condition}",
            pid,
            *args,
        )
        expected = {aid for aid, (a, c) in facts.items() if decide(role, a, c, action).allowed}
        assert {r["id"] for r in rows} == expected, (role, action)
    assert len(facts) == 64
