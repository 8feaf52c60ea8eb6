"""Positions: list, create, edit, open and close (HR and admin)."""

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.recruiting import positions_admin
from app.web.access import staff
from app.web.console.chrome import actor, console_page
from app.web.forms import choice, first_values, parse_form, text


class PositionForm(msgspec.Struct):
    title: text(200, 1)  # type: ignore[valid-type]
    location: text(200) = ""  # type: ignore[valid-type]
    description: text(20000) = ""  # type: ignore[valid-type]


class StatusForm(msgspec.Struct):
    status: choice("open", "closed")  # type: ignore[valid-type]


@get("/console/positions", opt=staff("hr", "admin"))
async def position_list(request: Request) -> Template:
    return console_page(
        request, "console/positions.html", positions=await positions_admin.list_positions()
    )


@get("/console/positions/new", opt=staff("hr", "admin"))
async def new_position(request: Request) -> Template:
    return console_page(request, "console/position_form.html", position=None)


@post("/console/positions", opt=staff("hr", "admin"))
async def create_position(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, PositionForm)
    except ValidationFailed as exc:
        return console_page(
            request,
            "console/position_form.html",
            status_code=400,
            position=None,
            errors=exc.errors,
            values=form,
        )
    new_id = await positions_admin.create(
        actor(request), data.title, data.description, data.location, utcnow()
    )
    return Redirect(f"/console/positions/{new_id}/edit?saved=1", status_code=303)


@get("/console/positions/{position_id:int}/edit", opt=staff("hr", "admin"))
async def edit_position(request: Request, position_id: FromPath[int]) -> Template:
    position = await positions_admin.get_position(position_id)
    return console_page(
        request,
        "console/position_form.html",
        position=position,
        values=position,
        preview=positions_admin.render_description(position["description"]),
        saved=request.query_params.get("saved") == "1",
    )


@post("/console/positions/{position_id:int}", opt=staff("hr", "admin"))
async def update_position(request: Request, position_id: FromPath[int]) -> Template | Redirect:
    position = await positions_admin.get_position(position_id)
    form = first_values(await request.form())
    try:
        data = parse_form(form, PositionForm)
    except ValidationFailed as exc:
        return console_page(
            request,
            "console/position_form.html",
            status_code=400,
            position=position,
            errors=exc.errors,
            values=form,
        )
    await positions_admin.update(
        actor(request), position_id, data.title, data.description, data.location, utcnow()
    )
    return Redirect(f"/console/positions/{position_id}/edit?saved=1", status_code=303)


@post("/console/positions/{position_id:int}/status", opt=staff("hr", "admin"))
async def set_status(request: Request, position_id: FromPath[int]) -> Redirect:
    data = parse_form(first_values(await request.form()), StatusForm)
    await positions_admin.set_status(actor(request), position_id, data.status, utcnow())
    return Redirect("/console/positions", status_code=303)


ROUTES = [position_list, new_position, create_position, edit_position, update_position, set_status]
