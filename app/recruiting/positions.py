"""Public reading of positions: what the portal lists and shows. Only open positions are
public; drafts and closed ones answer "not found" (the console writes them, positions_admin)."""

from markdown_it import MarkdownIt

from app.errors import NotFound
from app.tables import Position

# Raw HTML off: a description or a notice can never carry a script into a candidate's browser.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})


def markdown_html(text: str) -> str:
    """Safe HTML for position descriptions and notice bodies (both are Markdown)."""
    return _MARKDOWN.render(text)


_PUBLIC = (
    Position.id,
    Position.title,
    Position.slug,
    Position.description,
    Position.location,
    Position.opened_at,
    Position.created_at,
    # what job boards and pay transparency need (app.recruiting.job_posting, pay)
    Position.employment_type,
    Position.remote,
    Position.valid_through,
    Position.salary_min,
    Position.salary_max,
    Position.salary_currency,
    Position.salary_unit,
)


async def open_positions() -> list[dict]:
    return await (
        Position.select(*_PUBLIC)
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
