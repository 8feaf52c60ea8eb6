"""Public reading of positions: what the portal lists and shows. Only open positions are
public; drafts and closed ones answer "not found" (the console writes them, positions_admin)."""

from app.errors import NotFound
from app.tables import Position

_PUBLIC = (Position.id, Position.title, Position.slug, Position.description, Position.location)


async def open_positions() -> list[dict]:
    return await (
        Position.select(*_PUBLIC, Position.opened_at)
        .where(Position.status == "open")
        .order_by(Position.opened_at, ascending=False)
        .order_by(Position.id, ascending=False)
    )


async def open_position(slug: str) -> dict:
    """An open position by its slug, or NotFound (a draft or closed one is not public)."""
    if len(slug) > 120:
        raise NotFound("We could not find that position.")
    row = await (
        Position.select(*_PUBLIC)
        .where((Position.slug == slug) & (Position.status == "open"))
        .first()
    )
    if row is None:
        raise NotFound("We could not find that position.")
    return row
