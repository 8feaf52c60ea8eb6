"""The review queue of one position (HR and admin)."""

from datetime import date
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from app.clock import utcnow
from app.recruiting import positions_admin, review
from app.recruiting.pipeline import STAGES
from app.web.access import staff
from app.web.console.chrome import actor, console_page, query
from app.web.render import translate


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filters(request: Request) -> review.QueueFilter:
    stage = query(request, "stage", 16)
    consent = query(request, "consent", 8)
    return review.QueueFilter(
        stage=stage if stage in STAGES else "",
        consent=consent if consent in review.CONSENT_FILTERS else "",
        received_from=_date(query(request, "from", 10)),
        received_to=_date(query(request, "to", 10)),
        name=query(request, "name", 100),
    )


@get("/console/positions/{position_id:int}/applications", opt=staff("hr", "admin"))
async def queue(request: Request, position_id: FromPath[int]) -> Template:
    position = await positions_admin.get_position(position_id)
    filters = _filters(request)
    rows, cursor = await review.queue(
        actor(request),
        position_id,
        filters,
        review.decode_cursor(query(request, "after", 80)),
        utcnow(),
    )
    params = {
        "stage": filters.stage,
        "consent": filters.consent,
        "name": filters.name,
        "from": filters.received_from.isoformat() if filters.received_from else "",
        "to": filters.received_to.isoformat() if filters.received_to else "",
    }
    return console_page(
        request,
        "console/queue.html",
        position=position,
        rows=rows,
        cursor=cursor,
        filters=params,
        next_query=urlencode({**params, "after": cursor}) if cursor else "",
        stages=STAGES,
        # Translated once per page, not once per row (bench B3).
        stage_labels={s: translate(request, s) for s in STAGES},
        consent_filters=review.CONSENT_FILTERS,
    )


ROUTES = [queue]
