"""Shared by the job-feed, pay and screening tests: positions with the job-board fields."""

from datetime import date
from typing import Any

from app.clock import utcnow
from app.tables import Position
from tests.factories import open_position


async def posting(title: str = "Backend developer", **columns: Any) -> dict[str, Any]:
    """An open position with a pay range (monthly DKK) unless told otherwise; its row."""
    pid = await open_position(title)
    values = {"salary_min": 45000, "salary_max": 55000, "salary_currency": "DKK",
              "salary_unit": "MONTH", "valid_through": date(2099, 12, 31),
              "opened_at": utcnow(), **columns}
    await Position.update({getattr(Position, k): v for k, v in values.items()}).where(
        Position.id == pid)
    row = await Position.select().where(Position.id == pid).first()
    assert row
    return row
