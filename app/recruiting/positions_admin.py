"""Positions: create, edit, open and close. Descriptions are Markdown, rendered with raw HTML
switched off, so a description can never carry a script into a candidate's browser."""

import re
import secrets
from datetime import datetime
from typing import Any

from markdown_it import MarkdownIt
from piccolo.query.functions.aggregate import Count

from app.db import transaction
from app.errors import Conflict, NotFound
from app.privacy import audit, retention
from app.tables import Application, Position

STATUSES = ("draft", "open", "closed")
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})


def render_description(markdown: str) -> str:
    """Safe HTML: raw HTML is shown as text, `javascript:` links are refused by markdown-it."""
    return _MARKDOWN.render(markdown)


def _slug(title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:100] or "position"
    return f"{base}-{secrets.token_hex(3)}"


async def list_positions() -> list[dict]:
    positions = await Position.select().order_by(Position.created_at, ascending=False)
    counts = await Application.select(
        Application.position, Count(Application.id).as_alias("n")
    ).group_by(Application.position)
    by_position = {row["position"]: row["n"] for row in counts}
    for p in positions:
        p["applications"] = by_position.get(p["id"], 0)
    return positions


async def get_position(position_id: int) -> dict:
    row = await Position.select().where(Position.id == position_id).first()
    if row is None:
        raise NotFound("We could not find that position.")
    return row


async def create(
    actor: audit.Actor, title: str, description: str, location: str, now: datetime
) -> int:
    async with transaction():
        row = Position(
            title=title,
            slug=_slug(title),
            description=description,
            location=location,
            status="draft",
            created_at=now,
        )
        await row.save()
        await audit.record(
            actor, "position_created", now, subject_kind="position", object_id=row.id
        )
    return int(row.id)


async def update(
    actor: audit.Actor,
    position_id: int,
    title: str,
    description: str,
    location: str,
    now: datetime,
) -> None:
    async with transaction():
        await get_position(position_id)
        await Position.update(
            {Position.title: title, Position.description: description, Position.location: location}
        ).where(Position.id == position_id)
        await audit.record(
            actor, "position_edited", now, subject_kind="position", object_id=position_id
        )


async def set_status(actor: audit.Actor, position_id: int, status: str, now: datetime) -> None:
    """Open or close. Closing starts the retention clock of every application of the position
    (MISSION.md: erased 6 months after the position closes)."""
    if status not in ("open", "closed"):
        raise Conflict("A position can only be opened or closed.")
    async with transaction():
        position = await get_position(position_id)
        if position["status"] == status:
            return
        changes: dict[Any, Any] = {Position.status: status}
        if status == "open":
            changes[Position.opened_at] = now
            changes[Position.closed_at] = None
        else:
            changes[Position.closed_at] = now
        await Position.update(changes).where(Position.id == position_id)
        # Every application of the position starts (or stops) its retention clock.
        await retention.refresh_position_erase_after(position_id, now)
        await audit.record(
            actor, f"position_{status}", now, subject_kind="position", object_id=position_id
        )
