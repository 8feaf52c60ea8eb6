"""Positions: create, edit, open and close. Descriptions are Markdown, rendered with raw HTML
switched off, so a description can never carry a script into a candidate's browser."""

import re
import secrets
from datetime import date, datetime
from typing import Any

import msgspec
from markdown_it import MarkdownIt
from piccolo.query.functions.aggregate import Count

from app.config import current
from app.db import transaction
from app.errors import Conflict, NotFound, ValidationFailed
from app.privacy import audit, retention
from app.recruiting import pay
from app.tables import Application, Position
from app.visits.local_time import local_date

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


class PositionFields(msgspec.Struct, frozen=True):
    """What HR writes about a position (the console's form, checked by the door)."""

    title: str
    description: str = ""
    location: str = ""
    employment_type: str = "FULL_TIME"  # schema.org employmentType
    remote: bool = False
    valid_through: date | None = None  # the last day to apply
    salary: pay.SalaryRange = pay.NO_RANGE


def _columns(fields: PositionFields) -> dict[Any, Any]:
    return {
        Position.title: fields.title,
        Position.description: fields.description,
        Position.location: fields.location,
        Position.employment_type: fields.employment_type,
        Position.remote: fields.remote,
        Position.valid_through: fields.valid_through,
        Position.salary_min: fields.salary.minimum,
        Position.salary_max: fields.salary.maximum,
        Position.salary_currency: fields.salary.currency,
        Position.salary_unit: fields.salary.unit,
    }


def _publishable(fields: PositionFields) -> None:
    """INTAKE_SALARY_RANGE_REQUIRED (EU Directive 2023/970, Art. 5): no open position without
    its pay range."""
    if current().salary_range_required and not fields.salary.given:
        raise ValidationFailed({"salary_min": "Give the salary range before the position opens."})


async def create(actor: audit.Actor, fields: PositionFields, now: datetime) -> int:
    async with transaction():
        row = Position(slug=_slug(fields.title), status="draft", created_at=now)
        for column, value in _columns(fields).items():
            setattr(row, column._meta.name, value)
        await row.save()
        await audit.record(
            actor, "position_created", now, subject_kind="position", object_id=row.id
        )
    return int(row.id)


async def update(
    actor: audit.Actor, position_id: int, fields: PositionFields, now: datetime
) -> None:
    async with transaction():
        position = await get_position(position_id)
        if position["status"] == "open":
            _publishable(fields)
        await Position.update(_columns(fields)).where(Position.id == position_id)
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
        if status == "open":
            _publishable(fields_of(position))
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


def fields_of(position: dict[str, Any]) -> PositionFields:
    return PositionFields(
        title=position["title"],
        description=position["description"],
        location=position["location"],
        employment_type=position["employment_type"],
        remote=bool(position["remote"]),
        valid_through=position["valid_through"],
        salary=pay.of_position(position),
    )


async def close_past_deadline(now: datetime) -> dict[str, int]:
    """Open positions whose last day to apply (valid_through) has passed, in the company's
    time zone, are closed as HR would close them: off the portal and every feed, and the
    retention clock of their applications starts (MISSION.md)."""
    today = local_date(now)
    due = await Position.select(Position.id).where(
        (Position.status == "open") & (Position.valid_through < today)
    )
    for row in due:
        await set_status(audit.SYSTEM, row["id"], "closed", now)
    return {"closed": len(due)}
