"""The data migration to counting when things happen (issue 20): counts made at erasure stay,
the records alive at the upgrade are counted once into the same counters, an interrupted run
leaves nothing and the next one does it all, a finished one is never repeated, and what is
erased afterwards changes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.config import current
from app.db import engine
from app.privacy import statistics
from app.privacy.statistics_carry_over import carry_over, done_key
from app.privacy.sweep import sweep
from app.tables import AnonymousStat, Kiosk, Visit
from tests.factories import application_row, candidate_row, enrolled_kiosk, position_row, visit_row
from tests.stats_support import counters

FEB = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
LATE = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # 00:30 on 1 March in Copenhagen


async def old_database() -> dict[str, int]:
    """What a database of the previous version holds: counts made when records were erased,
    and records still alive (never counted)."""
    await AnonymousStat.delete().where(AnonymousStat.key == done_key())
    await statistics.add("applications", date(2026, 2, 1), "Backend developer", 7)
    await statistics.add("visits", date(2026, 2, 10), "meeting", 9)
    await statistics.add("stage_reached", date(2026, 2, 1), "screening", 6)  # counted as moved
    old = await counters()
    backend, design = await position_row("Backend developer"), await position_row("Designer")
    for position, at in ((backend, FEB), (backend, FEB), (design, LATE)):
        candidate, _ = await candidate_row()
        await application_row(candidate, position, created_at=at, erase_after=at)
    kiosk_id, _ = await enrolled_kiosk("Tablet")
    await Kiosk.update({Kiosk.location: "Aarhus"}).where(Kiosk.id == kiosk_id)
    for purpose, at in (("meeting", FEB), ("meeting", FEB), ("delivery", LATE)):
        await visit_row(purpose=purpose, signed_in_at=at, signed_out_at=at, erase_after=at)
    at_kiosk, _ = await visit_row(purpose="meeting", signed_in_at=FEB, erase_after=FEB)
    await Visit.update({Visit.kiosk: kiosk_id}).where(Visit.id == at_kiosk)
    return old


def plus(old: dict[str, int], added: dict[str, int]) -> dict[str, int]:
    return {k: old.get(k, 0) + added.get(k, 0) for k in old.keys() | added.keys()}


CARRIED = {
    "applications|2026-02-01|Backend developer": 2,
    "applications|2026-03-01|Designer": 1,
    "visits|2026-02-10|meeting": 2,
    "visits|2026-02-10|meeting|Aarhus": 1,
    "visits|2026-03-01|delivery": 1,
    "_migration|2000-01-01|counted_at_event": 1,
}


async def test_live_records_are_counted_once_beside_the_erasure_time_counts():
    old = await old_database()

    assert await carry_over() == {"applications": 3, "visits": 4}
    assert await counters() == plus(old, CARRIED)
    assert await carry_over() == {}  # never twice
    assert await counters() == plus(old, CARRIED)
    # The records carried over are erased later: no statistic changes.
    await sweep(FEB + timedelta(days=4000))
    assert await Visit.count() == 0
    assert await counters() == plus(old, CARRIED)


async def test_an_interrupted_carry_over_leaves_nothing_and_the_next_run_does_it_all():
    old = await old_database()
    await _fail_on_marker()
    try:
        with pytest.raises(Exception, match="interrupted"):
            await carry_over()
        assert await counters() == old
    finally:
        await _repair()
    assert await carry_over() == {"applications": 3, "visits": 4}
    assert await counters() == plus(old, CARRIED)


async def _fail_on_marker() -> None:
    if current().is_sqlite:
        await engine().run_ddl(
            "CREATE TRIGGER interrupted BEFORE INSERT ON anonymous_stat WHEN "
            "NEW.metric = '_migration' BEGIN SELECT RAISE(ABORT, 'interrupted'); END"
        )
    else:
        await engine().run_ddl(
            "CREATE FUNCTION interrupted() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'interrupted'; END $$"
        )
        await engine().run_ddl(
            "CREATE TRIGGER interrupted BEFORE INSERT ON anonymous_stat FOR EACH ROW "
            "WHEN (NEW.metric = '_migration') EXECUTE FUNCTION interrupted()"
        )


async def _repair() -> None:
    if current().is_sqlite:
        await engine().run_ddl("DROP TRIGGER interrupted")
    else:
        await engine().run_ddl("DROP TRIGGER interrupted ON anonymous_stat")
        await engine().run_ddl("DROP FUNCTION interrupted()")
