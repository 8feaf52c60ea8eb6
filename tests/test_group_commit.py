"""SQLite's short writes on the event loop commit together under load (app.group_commit), and
each stays all or nothing: what one write does wrong reaches that write only."""

import asyncio
import sqlite3

import pytest

from app import db
from app.clock import utcnow
from app.mail import QUEUE
from app.tables import OutboxMail
from tests.conftest import DATABASE

pytestmark = pytest.mark.skipif(DATABASE != "sqlite", reason="app.db.write_now is SQLite's")


def _mail(to: str):
    def work(connection: sqlite3.Connection) -> int:
        now = utcnow()
        return connection.execute(QUEUE, (to, "s", "b", "admin", now, now)).fetchall()[0][0]

    return work


def _group():
    return db.engine()._groups[asyncio.get_running_loop()]


async def test_writes_that_queue_together_commit_together_each_all_or_nothing():
    def fails(connection: sqlite3.Connection) -> int:
        _mail("half@example.org")(connection)
        raise ValueError("half-way")

    def changes_its_mind(connection: sqlite3.Connection) -> None:
        _mail("undone@example.org")(connection)
        return None

    await db.write_now(_mail("first@example.org"))
    rounds = _group().rounds
    works = [_mail(f"m{i}@example.org") for i in range(20)]
    works[5], works[12] = fails, changes_its_mind
    outcomes = await asyncio.gather(*(db.write_now(w) for w in works), return_exceptions=True)

    assert isinstance(outcomes[5], ValueError) and outcomes[12] is None
    stored = await OutboxMail.select(OutboxMail.id, OutboxMail.to_address)
    assert {r["to_address"] for r in stored} == {"first@example.org"} | {
        f"m{i}@example.org" for i in range(20) if i not in (5, 12)
    }
    ids = {r["to_address"]: r["id"] for r in stored}
    assert all(outcomes[i] == ids[f"m{i}@example.org"] for i in range(20) if i not in (5, 12))
    assert _group().rounds - rounds <= 2  # not twenty BEGINs and COMMITs


async def test_a_commit_that_fails_reaches_every_write_of_its_round():
    def breaks_at_commit(connection: sqlite3.Connection) -> int:
        # Checked at COMMIT, not at the statement: a visit of a host that does not exist.
        connection.execute("PRAGMA defer_foreign_keys = 1")
        connection.execute("INSERT INTO visit (uid, visitor_name, host, signed_in_at) "
                           "VALUES ('u-1', 'V', 999999, '2026-01-01')")
        return 1

    outcomes = await asyncio.gather(db.write_now(_mail("a@example.org")),
                                    db.write_now(breaks_at_commit),
                                    db.write_now(_mail("b@example.org")), return_exceptions=True)
    assert all(isinstance(o, sqlite3.IntegrityError) for o in outcomes), outcomes
    assert await OutboxMail.count() == 0
    assert await db.write_now(_mail("c@example.org")) is not None  # the next round works
