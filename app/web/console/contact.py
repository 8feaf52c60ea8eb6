"""Talking to a candidate from the application page (issue 17.4-5): send a message from a
template, invite to an interview, move or cancel it. The services decide (purpose n, through
app.privacy.access) and write; this door parses and shows."""

from collections.abc import Awaitable, Callable

import msgspec
from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import IntakeError, NotFound, ValidationFailed
from app.recruiting import interviews, message_templates, messages
from app.web.access import staff
from app.web.console.applications import BASE, _back, _page
from app.web.console.chrome import actor
from app.web.forms import choice, first_values, parse_form
from app.web.render import language, translate


class MessageForm(msgspec.Struct):
    template: choice(*message_templates.KEYS)  # type: ignore[valid-type]
    lock_version: int


async def _answer(
    request: Request,
    position_id: int,
    application_id: int,
    done: str,
    work: Callable[[dict], Awaitable[object]],
) -> Template | Redirect:
    raw = await request.form()
    form = first_values(raw)
    form["interviewers"] = [str(v) for v in raw.getall("interviewers", [])]
    try:
        await work(form)
    except NotFound:
        raise
    except ValidationFailed as exc:
        return await _page(
            request, position_id, application_id, status_code=400, errors=exc.errors, values=form
        )
    except IntakeError as exc:  # refused by decide(), or a conflict: nothing was sent
        return await _page(
            request,
            position_id,
            application_id,
            status_code=exc.status_code,
            problem=translate(request, getattr(exc, "detail", exc.message)),
        )
    return _back(position_id, application_id, done)


@post(BASE + "/message", opt=staff("hr", "admin"))
async def send_message(
    request: Request, position_id: FromPath[int], application_id: FromPath[int]
) -> Template | Redirect:
    async def work(form: dict) -> None:
        data = parse_form(form, MessageForm)
        await messages.send(
            actor(request), application_id, position_id, data.template, data.lock_version,
            utcnow(),
        )  # fmt: skip

    return await _answer(request, position_id, application_id, "message", work)


@post(BASE + "/interview", opt=staff("hr", "admin"))
async def invite(
    request: Request, position_id: FromPath[int], application_id: FromPath[int]
) -> Template | Redirect:
    async def work(form: dict) -> None:
        now = utcnow()
        plan = interviews.check_plan(
            str(form.get("starts_at", "")), str(form.get("minutes", "")),
            str(form.get("place", "")), str(form.get("video_link", "")),
            form["interviewers"], now,
        )  # fmt: skip
        await interviews.schedule(
            actor(request), application_id, position_id, plan, language(request), now
        )

    return await _answer(request, position_id, application_id, "interview", work)


@post(BASE + "/interview/cancel", opt=staff("hr", "admin"))
async def cancel_interview(
    request: Request, position_id: FromPath[int], application_id: FromPath[int]
) -> Template | Redirect:
    async def work(form: dict) -> None:
        await interviews.cancel(
            actor(request), application_id, position_id, language(request), utcnow()
        )

    return await _answer(request, position_id, application_id, "interview_cancelled", work)


ROUTES = [send_message, invite, cancel_interview]
