"""A position's screening questions (HR and admin): at most five, each with its reason; HR
marks which answers flag an application for a person to look at (never a verdict)."""

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.recruiting import positions_admin, screening
from app.web.access import staff
from app.web.console.chrome import actor, console_page
from app.web.forms import first_values
from app.web.render import translate

KIND_LABELS = {"yes_no": "Yes or no", "choice": "One choice", "text": "Short text"}


async def _page(request: Request, position_id: int, status: int = 200, **ctx: Any) -> Template:
    position = await positions_admin.get_position(position_id)
    questions = await screening.questions_for(position_id)
    ctx.setdefault("values", {"kind": "yes_no"})
    return console_page(
        request,
        "console/screening.html",
        status_code=status,
        position=position,
        questions=questions,
        room=len(questions) < screening.MAX_QUESTIONS,
        max_questions=screening.MAX_QUESTIONS,
        kind_options=[(k, translate(request, v)) for k, v in KIND_LABELS.items()],
        kind_labels=KIND_LABELS,
        **ctx,
    )


@get("/console/positions/{position_id:int}/questions", opt=staff("hr", "admin"))
async def question_list(request: Request, position_id: FromPath[int]) -> Template:
    return await _page(request, position_id)


@post("/console/positions/{position_id:int}/questions", opt=staff("hr", "admin"))
async def add_question(request: Request, position_id: FromPath[int]) -> Template | Redirect:
    form = {k: v for k, v in first_values(await request.form()).items() if isinstance(v, str)}
    try:
        draft = screening.draft_from(
            form.get("kind", ""),
            form.get("prompt", ""),
            form.get("reason", ""),
            form.get("choices", ""),
            form.get("flag_answers", ""),
        )
        await screening.add_question(actor(request), position_id, draft, utcnow())
    except ValidationFailed as exc:
        return await _page(request, position_id, 400, errors=exc.errors, values=form)
    return Redirect(f"/console/positions/{position_id}/questions", status_code=303)


@post(
    "/console/positions/{position_id:int}/questions/{question_id:int}/delete",
    opt=staff("hr", "admin"),
)
async def remove_question(
    request: Request, position_id: FromPath[int], question_id: FromPath[int]
) -> Redirect:
    await screening.remove_question(actor(request), position_id, question_id, utcnow())
    return Redirect(f"/console/positions/{position_id}/questions", status_code=303)


ROUTES = [question_list, add_question, remove_question]
