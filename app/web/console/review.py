"""The review queue of one position (HR and admin): sorts, stage tabs with counts, and the
queue's query carried to the application page for its previous and next links."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from app.clock import utcnow
from app.recruiting import positions_admin, queue_order, review
from app.recruiting.pipeline import STAGES
from app.web.access import staff
from app.web.console.chrome import actor, console_page, query
from app.web.render import language, stage_label


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filters(request: Request) -> review.QueueFilter:
    stage = query(request, "stage", 16)
    consent = query(request, "consent", 8)
    sort = query(request, "sort", 8)
    return review.QueueFilter(
        stage=stage if stage in STAGES else "",
        consent=consent if consent in review.CONSENT_FILTERS else "",
        received_from=_date(query(request, "from", 10)),
        received_to=_date(query(request, "to", 10)),
        name=query(request, "name", 100),
        sort=sort if sort in queue_order.SORTS else queue_order.DEFAULT_SORT,
    )


def _params(filters: review.QueueFilter) -> dict[str, str]:
    """The queue's query without its cursor, empty values left out (short links)."""
    params = {
        "sort": "" if filters.sort == queue_order.DEFAULT_SORT else filters.sort,
        "stage": filters.stage,
        "consent": filters.consent,
        "name": filters.name,
        "from": filters.received_from.isoformat() if filters.received_from else "",
        "to": filters.received_to.isoformat() if filters.received_to else "",
    }
    return {k: v for k, v in params.items() if v}


async def queue_context(request: Request, position_id: int, application_id: int) -> dict[str, Any]:
    """For the application page: the queue it was opened from, and its neighbours there."""
    filters = _filters(request)
    previous_id, next_id = await review.neighbours(
        actor(request), position_id, filters, application_id
    )
    return {"queue_query": urlencode(_params(filters)), "previous_id": previous_id,
            "next_id": next_id}  # fmt: skip


@get("/console/positions/{position_id:int}/applications", opt=staff("hr", "admin"))
async def queue(request: Request, position_id: FromPath[int]) -> Template:
    position = await positions_admin.get_position(position_id)
    filters = _filters(request)
    me = actor(request)
    rows, cursor = await review.queue(
        me,
        position_id,
        filters,
        review.decode_cursor(query(request, "after", 120), filters.order),
        utcnow(),
    )
    counts = await review.stage_counts(me, position_id)
    params = _params(filters)
    without_stage = {k: v for k, v in params.items() if k != "stage"}
    return console_page(
        request,
        "console/queue.html",
        position=position,
        rows=rows,
        cursor=cursor,
        filters={
            **dict.fromkeys(("stage", "from", "to", "name", "consent"), ""),
            "sort": filters.sort,
            **params,
        },
        queue_query=urlencode(params),
        tab_query=urlencode(without_stage),
        next_query=urlencode({**params, "after": cursor}) if cursor else "",
        counts=counts,
        count_cap=review.COUNT_CAP,
        total=sum(counts.values()),
        capped=any(n >= review.COUNT_CAP for n in counts.values()),
        sorts=queue_order.SORTS,
        stages=STAGES,
        # Translated once per page, not once per row (bench B3).
        stage_labels={s: stage_label(language(request), s) for s in STAGES},
        consent_filters=review.CONSENT_FILTERS,
    )


ROUTES = [queue]
