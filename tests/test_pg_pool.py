"""PostgreSQL's pool hands connections back without asyncpg's reset query (app.db
_keep_session); what a reset must still guarantee, it does: a transaction that failed half-way
leaves neither rows nor an open transaction on the connection the next caller gets."""

import pytest

from app import db
from app.tables import Host
from tests.conftest import DATABASE

pytestmark = pytest.mark.skipif(DATABASE != "postgres", reason="the PostgreSQL pool")


async def test_a_failed_transaction_leaves_nothing_on_a_pooled_connection() -> None:
    engine = db.engine()
    await db.start(1)  # one connection: the next caller gets the very same one
    try:
        assert engine.pool is not None and engine.pool._reset is not None
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.fetch(
                    "INSERT INTO host (name, email, department, active) VALUES (?, ?, ?, ?)",
                    "Half Stored", "half@example.test", "", True,
                )  # fmt: skip
                raise RuntimeError("the use case fails after its first write")
        async with engine.pool.acquire() as connection:
            assert not connection.is_in_transaction()
        assert await db.fetch("SELECT 1 AS one") == [{"one": 1}]
        assert await Host.count() == 0
    finally:
        await db.stop()
