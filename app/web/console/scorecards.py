"""A reviewer's scorecard for one application (issue 17, purpose n), and the criteria HR
defines per position. The rules (2-8 criteria, scores 1-4, nothing preselected, colleagues'
scores only after one's own) are in app.recruiting.scorecards."""

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import IntakeError, NotFound, ValidationFailed
from app.recruiting import positions_admin, scorecards
from app.web.access import staff
from app.web.console.applications import BASE, _back, _page
from app.web.console.chrome import actor, console_page
from app.web.forms import first_values
from app.web.render import translate

CRITERIA = "/console/positions/{position_id:int}/criteria"


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


@post(BASE + "/scorecard", opt=staff("hr", "admin"))
async def submit_scorecard(
    request: Request, position_id: FromPath[int], application_id: FromPath[int]
) -> Template | Redirect:
    form = first_values(await request.form())
    answers: dict[int, tuple[str, str]] = {}
    for name in form:
        kind, _, ident = name.partition("_")
        if kind in ("score", "note") and ident.isdigit() and len(ident) < 10:
            answers.setdefault(int(ident), (_text(form, f"score_{ident}"),
                                            _text(form, f"note_{ident}")))  # fmt: skip
    try:
        await scorecards.submit(actor(request), application_id, position_id, answers, utcnow())
    except NotFound:
        raise
    except ValidationFailed as exc:
        return await _page(
            request, position_id, application_id, status_code=400, errors=exc.errors, values=form
        )
    except IntakeError as exc:  # refused by decide(): say why, store nothing
        return await _page(
            request, position_id, application_id, status_code=exc.status_code,
            problem=translate(request, exc.message),
        )  # fmt: skip
    return _back(position_id, application_id, "scorecard", request.url.query)


async def _criteria_page(
    request: Request, position_id: int, status: int = 200, **ctx: Any
) -> Template:
    position = await positions_admin.get_position(position_id)
    criteria = await scorecards.criteria_for(position_id)
    if "values" not in ctx:
        ctx["values"] = {}
        for i, c in enumerate(criteria):
            ctx["values"].update({f"id_{i}": str(c["id"]), f"name_{i}": c["name"],
                                  f"description_{i}": c["description"]})  # fmt: skip
    return console_page(
        request, "console/criteria.html", status_code=status, position=position,
        slots=range(scorecards.MAX_CRITERIA), **ctx,
    )  # fmt: skip


@get(CRITERIA, opt=staff("hr", "admin"))
async def criteria(request: Request, position_id: FromPath[int]) -> Template:
    return await _criteria_page(request, position_id, done=request.query_params.get("done"))


@post(CRITERIA, opt=staff("hr", "admin"))
async def save_criteria(request: Request, position_id: FromPath[int]) -> Template | Redirect:
    await positions_admin.get_position(position_id)  # 404 for an unknown position
    form = {k: v for k, v in first_values(await request.form()).items() if isinstance(v, str)}
    slots: list[tuple[int | None, str, str]] = []
    for i in range(scorecards.MAX_CRITERIA):
        raw_id = form.get(f"id_{i}", "")
        ident = int(raw_id) if raw_id.isdigit() and len(raw_id) < 10 else None
        slots.append((ident, form.get(f"name_{i}", ""), form.get(f"description_{i}", "")))
    try:
        await scorecards.save_criteria(actor(request), position_id, slots, utcnow())
    except ValidationFailed as exc:
        return await _criteria_page(request, position_id, 400, errors=exc.errors, values=form)
    return Redirect(f"/console/positions/{position_id}/criteria?done=1", status_code=303)


ROUTES = [submit_scorecard, criteria, save_criteria]
