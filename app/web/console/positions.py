"""Positions: list, create, edit, open and close (HR and admin)."""

from datetime import date
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.recruiting import pay, positions_admin
from app.recruiting.job_posting import EMPLOYMENT_TYPES
from app.web.access import staff
from app.web.console.chrome import actor, console_page
from app.web.forms import choice, first_values, parse_form, text
from app.web.render import translate


class PositionForm(msgspec.Struct):
    title: text(200, 1)  # type: ignore[valid-type]
    location: text(200) = ""  # type: ignore[valid-type]
    description: text(20000) = ""  # type: ignore[valid-type]
    employment_type: choice(*EMPLOYMENT_TYPES) = "FULL_TIME"  # type: ignore[valid-type]
    remote: bool = False
    valid_through: text(10) = ""  # type: ignore[valid-type]
    salary_min: text(20) = ""  # type: ignore[valid-type]
    salary_max: text(20) = ""  # type: ignore[valid-type]
    salary_currency: text(3) = ""  # type: ignore[valid-type]
    salary_unit: choice(*pay.UNITS) = "MONTH"  # type: ignore[valid-type]


class StatusForm(msgspec.Struct):
    status: choice("open", "closed")  # type: ignore[valid-type]


# A new position's form starts with the usual answers (a Danish company, monthly pay).
NEW_VALUES = {"employment_type": "FULL_TIME", "salary_currency": "DKK", "salary_unit": "MONTH"}


def _fields(form: dict[str, Any]) -> positions_admin.PositionFields:
    """Every problem of the form at once: the plain fields, the date and the pay range."""
    errors: dict[str, str] = {}
    data: PositionForm | None = None
    try:
        data = parse_form(form, PositionForm)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    valid_through: date | None = None
    raw_date = str(form.get("valid_through") or "").strip()
    if raw_date and "valid_through" not in errors:
        try:
            valid_through = date.fromisoformat(raw_date)
        except ValueError:
            errors["valid_through"] = "Enter a date."
    salary = pay.NO_RANGE
    try:
        salary = pay.parse_range(
            str(form.get("salary_min") or ""),
            str(form.get("salary_max") or ""),
            str(form.get("salary_currency") or ""),
            str(form.get("salary_unit") or "MONTH"),
        )
    except ValidationFailed as exc:
        errors.update({k: v for k, v in exc.errors.items() if k not in errors})
    if errors or data is None:
        raise ValidationFailed(errors)
    return positions_admin.PositionFields(
        title=data.title,
        description=data.description,
        location=data.location,
        employment_type=data.employment_type,
        remote=data.remote,
        valid_through=valid_through,
        salary=salary,
    )


def _form_page(request: Request, position: dict | None, status: int = 200, **ctx: Any) -> Template:
    return console_page(
        request,
        "console/position_form.html",
        status_code=status,
        position=position,
        employment_type_options=[(k, translate(request, v)) for k, v in EMPLOYMENT_TYPES.items()],
        unit_options=[(k, translate(request, v)) for k, v in pay.UNIT_TEXTS.items()],
        **ctx,
    )


def _stored_values(position: dict) -> dict[str, Any]:
    """The row as the form shows it (numbers and dates as typed text)."""
    values = dict(position)
    for key in ("salary_min", "salary_max"):
        values[key] = "" if position[key] is None else str(position[key])
    values["valid_through"] = (
        position["valid_through"].isoformat() if position["valid_through"] else ""
    )
    values["remote"] = "true" if position["remote"] else ""
    return values


@get("/console/positions", opt=staff("hr", "admin"))
async def position_list(request: Request) -> Template:
    return console_page(
        request, "console/positions.html", positions=await positions_admin.list_positions()
    )


@get("/console/positions/new", opt=staff("hr", "admin"))
async def new_position(request: Request) -> Template:
    return _form_page(request, None, values=NEW_VALUES)


@post("/console/positions", opt=staff("hr", "admin"))
async def create_position(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        fields = _fields(form)
    except ValidationFailed as exc:
        return _form_page(request, None, 400, errors=exc.errors, values=form)
    new_id = await positions_admin.create(actor(request), fields, utcnow())
    return Redirect(f"/console/positions/{new_id}/edit?saved=1", status_code=303)


@get("/console/positions/{position_id:int}/edit", opt=staff("hr", "admin"))
async def edit_position(request: Request, position_id: FromPath[int]) -> Template:
    position = await positions_admin.get_position(position_id)
    return _form_page(
        request,
        position,
        values=_stored_values(position),
        preview=positions_admin.render_description(position["description"]),
        saved=request.query_params.get("saved") == "1",
    )


@post("/console/positions/{position_id:int}", opt=staff("hr", "admin"))
async def update_position(request: Request, position_id: FromPath[int]) -> Template | Redirect:
    position = await positions_admin.get_position(position_id)
    form = first_values(await request.form())
    try:
        await positions_admin.update(actor(request), position_id, _fields(form), utcnow())
    except ValidationFailed as exc:
        return _form_page(request, position, 400, errors=exc.errors, values=form)
    return Redirect(f"/console/positions/{position_id}/edit?saved=1", status_code=303)


@post("/console/positions/{position_id:int}/status", opt=staff("hr", "admin"))
async def set_status(request: Request, position_id: FromPath[int]) -> Template | Redirect:
    data = parse_form(first_values(await request.form()), StatusForm)
    try:
        await positions_admin.set_status(actor(request), position_id, data.status, utcnow())
    except ValidationFailed as exc:  # opening without what publishing needs (the pay range)
        position = await positions_admin.get_position(position_id)
        return _form_page(
            request, position, 400, errors=exc.errors, values=_stored_values(position)
        )
    return Redirect("/console/positions", status_code=303)


ROUTES = [position_list, new_position, create_position, edit_position, update_position, set_status]
