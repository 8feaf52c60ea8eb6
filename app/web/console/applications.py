"""One application: what the consents allow, the CV download, comments, stage moves (the
scorecard: scorecards.py; previous and next within the queue: review.py).

Every decision comes from app.privacy.access through the services; this door never reads a
consent flag itself."""

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import IntakeError, NotFound, ValidationFailed
from app.recruiting import dossier, handover, message_templates, messages, pipeline
from app.web.access import staff
from app.web.console.chrome import actor, console_page
from app.web.console.review import queue_context
from app.web.forms import first_values, parse_form, text
from app.web.render import translate

BASE = "/console/positions/{position_id:int}/applications/{application_id:int}"


class CommentForm(msgspec.Struct):
    body: text(pipeline.MAX_COMMENT, 1)  # type: ignore[valid-type]


class StageForm(msgspec.Struct):
    to_stage: text(16, 1)  # type: ignore[valid-type]
    lock_version: int
    reason: text(64) = ""  # type: ignore[valid-type]  # a rejection template's key
    notify: text(8) = ""  # type: ignore[valid-type]  # "true": send the rejection mail


async def _page(
    request: Request,
    position_id: int,
    application_id: int,
    status_code: int = 200,
    **ctx: object,
) -> Template:
    view = await dossier.open_application(actor(request), application_id, position_id, utcnow())
    around = await queue_context(request, position_id, application_id)
    ctx.setdefault("handover", await handover.status_of(application_id))  # issue 17.10
    ctx.setdefault("rejection_reasons", message_templates.REJECTION_REASONS)
    return console_page(
        request, "console/application.html", status_code=status_code, app=view, **around, **ctx
    )


def _back(position_id: int, application_id: int, done: str, keep: str = "") -> Redirect:
    """Back to the page, still within the queue it was opened from (its query, issue 17)."""
    path = f"/console/positions/{position_id}/applications/{application_id}?done={done}"
    return Redirect(path + (f"&{keep}" if keep else ""), status_code=303)


@get(BASE, opt=staff("hr", "admin"))
async def application(
    request: Request, position_id: FromPath[int], application_id: FromPath[int]
) -> Template:
    return await _page(
        request, position_id, application_id, done=request.query_params.get("done", "")
    )


@get(BASE + "/cv/{cv_id:int}", opt=staff("hr", "admin"))
async def cv(
    request: Request,
    position_id: FromPath[int],
    application_id: FromPath[int],
    cv_id: FromPath[int],
) -> Response:
    name, media_type, content = await dossier.cv_download(
        actor(request), application_id, position_id, cv_id, utcnow()
    )
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ")[:100] or "cv"
    media = media_type if media_type in dossier.CV_MEDIA_TYPES else "application/octet-stream"
    return Response(
        content,
        media_type=media,
        headers={
            "content-disposition": f'attachment; filename="{safe}"',
            "cache-control": "no-store",
        },
    )


async def _act(
    request: Request, position_id: int, application_id: int, kind: str
) -> Template | Redirect:
    form = first_values(await request.form())
    me = actor(request)
    try:
        if kind == "comment":
            body = parse_form(form, CommentForm).body
            await pipeline.comment(me, application_id, position_id, body, utcnow())
        else:
            move = parse_form(form, StageForm)
            if move.to_stage == "rejected":  # the rejection message's path (Art. 22)
                await messages.reject(
                    me, application_id, position_id, move.reason, move.notify == "true",
                    move.lock_version, utcnow(),
                )  # fmt: skip
            else:
                await pipeline.move_stage(
                    me, application_id, position_id, move.to_stage, move.lock_version, utcnow()
                )
    except NotFound:
        raise
    except ValidationFailed as exc:
        return await _page(
            request, position_id, application_id, status_code=400, errors=exc.errors, values=form
        )
    except IntakeError as exc:
        return await refused(request, position_id, application_id, exc)
    return _back(position_id, application_id, kind, request.url.query)


async def refused(
    request: Request, position_id: int, application_id: int, exc: IntakeError
) -> Template:
    """Refused (frozen, no consent) or a conflict: the page says so plainly, nothing changed."""
    return await _page(
        request,
        position_id,
        application_id,
        status_code=exc.status_code,
        problem=translate(request, exc.message),
    )


@post(BASE + "/comment", opt=staff("hr", "admin"))
async def comment(
    request: Request, position_id: FromPath[int], application_id: FromPath[int]
) -> Template | Redirect:
    return await _act(request, position_id, application_id, "comment")


@post(BASE + "/stage", opt=staff("hr", "admin"))
async def stage(
    request: Request, position_id: FromPath[int], application_id: FromPath[int]
) -> Template | Redirect:
    return await _act(request, position_id, application_id, "stage")


ROUTES = [application, cv, comment, stage]
