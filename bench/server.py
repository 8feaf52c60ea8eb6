"""The bench's app: Intake as `make run` builds it, plus FLOOR endpoints that exist only here.

A floor is a bare Litestar handler on the same server, behind the same middleware (CSRF, the
privacy middleware, the access guard), doing the least the database can do: one INSERT, one
SELECT or one DELETE through the raw driver (sqlite3 or asyncpg). Every benchmark figure is
divided by the floor measured in the same run, so a noisy machine cancels out.

Run by bench/harness.py as `uvicorn bench.server:app`. Nothing in app/ knows about it.
"""

import os
import sqlite3
import time
from datetime import date, datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery

from app.config import current
from app.db import SQLITE_PRAGMAS, sqlite_path
from app.main import create_app
from app.web.access import public
from tests.documents import pdf_pages

_sqlite: sqlite3.Connection | None = None
_pool: Any = None


def _is_sqlite() -> bool:
    return current().is_sqlite


def _lite() -> sqlite3.Connection:
    """One raw sqlite3 connection with the same pragmas Intake uses (secure_delete included:
    the floor erases as securely as the product must)."""
    global _sqlite
    if _sqlite is None:
        _sqlite = sqlite3.connect(
            sqlite_path(current().database_url), isolation_level=None, check_same_thread=False
        )
        for pragma in SQLITE_PRAGMAS:
            _sqlite.execute(pragma)
    return _sqlite


async def _start_pool() -> None:
    global _pool
    if not _is_sqlite():
        import asyncpg

        _pool = await asyncpg.create_pool(
            current().database_url, min_size=1, max_size=int(os.environ.get("BENCH_PG_POOL", 10))
        )


async def _stop_pool() -> None:
    if _pool is not None:
        await _pool.close()


async def _insert() -> int:
    now = time.time()
    if _is_sqlite():
        cur = _lite().execute("INSERT INTO bench_floor (name, at) VALUES (?, ?)", ("floor", now))
        return int(cur.lastrowid or 0)
    return int(
        await _pool.fetchval(
            "INSERT INTO bench_floor (name, at) VALUES ($1, $2) RETURNING id", "floor", now
        )
    )


@post("/bench/floor/insert", opt=public(), include_in_schema=False)
async def floor_insert() -> dict[str, int]:
    """One INSERT through the raw driver: the floor of B1 (and of the kiosk-like load)."""
    return {"id": await _insert()}


@post("/bench/floor/upload", opt=public(), include_in_schema=False)
async def floor_upload(request: Request) -> dict[str, int]:
    """The same multipart upload as the apply form, parsed, then one INSERT: the floor of B2."""
    data = await request.form()
    size = sum(len(v.file.read()) if hasattr(v, "file") else 0 for v in data.values())
    return {"size": size, "id": await _insert()}


# The review queue's page (app/recruiting/review.py) as one raw SELECT: same columns, same
# join, same keyset condition, same order, same LIMIT, the same lookups of the stage's start and
# the reviewer's own scorecard (`author`). `order=newest` walks the index the
# other way; `order=score` starts from one reviewer's own scorecards, as the score order does.
SELECT_PAGE = (
    "SELECT a.id, a.created_at, a.updated_at, a.stage, a.restricted, a.objected, "
    "a.score_average, c.id AS candidate_id, c.full_name, c.language, c.consent_m, "
    "c.consent_n, c.consent_version_m, c.consent_version_n, "
    "(SELECT MAX(sc.at) FROM stage_change sc WHERE sc.application = a.id) AS stage_since, "
    "EXISTS (SELECT 1 FROM scorecard own WHERE own.application = a.id AND own.author = {me}) "
    "AS scored_by_me "
    "FROM {source} JOIN candidate c ON c.id = a.candidate WHERE {where} "
    "ORDER BY {order} LIMIT {limit}"
)
ORDERS = {
    "": "a.created_at, a.id",
    "newest": "a.created_at DESC, a.id DESC",
    "score": "a.score_average DESC, a.id",
}


@get("/bench/floor/select", opt=public(), include_in_schema=False)
async def floor_select(
    position: FromQuery[int],
    stage: FromQuery[str] = "",
    after_at: FromQuery[str] = "",
    after_id: FromQuery[int] = 0,
    limit: FromQuery[int] = 51,
    order: FromQuery[str] = "",
    author: FromQuery[int] = 0,
) -> dict[str, int]:
    """The raw SELECT with the same LIMIT as a review-queue page: the floor of B3."""
    lite = _is_sqlite()
    args: list[Any] = []

    def arg(value: Any, cast: str = "") -> str:
        args.append(value)
        return "?" if lite else f"${len(args)}{cast}"

    me = arg(author or None)
    source = "application a"
    where = []
    if order == "score":
        source = "scorecard s JOIN application a ON a.id = s.application"
        where.append(f"s.author = {arg(author)} AND a.score_average IS NOT NULL")
    where.append(f"a.position = {arg(position)}")
    if stage:
        where.append(f"a.stage = {arg(stage)}")
    if after_at:
        at: Any = after_at if lite else datetime.fromisoformat(after_at)
        where.append(
            f"a.created_at >= {arg(at)} AND (a.created_at > {arg(at)} "
            f"OR (a.created_at = {arg(at)} AND a.id > {arg(after_id)}))"
        )
    sql = SELECT_PAGE.format(me=me, source=source, where=" AND ".join(where),
                             order=ORDERS.get(order, ORDERS[""]), limit=int(limit))  # fmt: skip
    if lite:
        return {"rows": len(_lite().execute(sql, args).fetchall())}
    return {"rows": len(await _pool.fetch(sql, *args))}


@get("/bench/floor/statistics", opt=public(), include_in_schema=False)
async def floor_statistics(first: FromQuery[str], end: FromQuery[str]) -> dict[str, int]:
    """The raw SELECT of one period's anonymous counters, the page's only read: the floor of
    B7 (`first`, `end`: ISO dates)."""
    sql = "SELECT metric, period, dimension, detail, total FROM anonymous_stat WHERE period >= {} AND period < {}"
    if _is_sqlite():
        return {"rows": len(_lite().execute(sql.format("?", "?"), (first, end)).fetchall())}
    args = (date.fromisoformat(first), date.fromisoformat(end))
    return {"rows": len(await _pool.fetch(sql.format("$1", "$2"), *args))}


@post("/bench/floor/delete-visits", opt=public(), include_in_schema=False)
async def floor_delete_visits(before: FromQuery[str]) -> dict[str, float]:
    """One raw DELETE of every expired visit: the floor of B4 (`before`: ISO, UTC)."""
    at = datetime.fromisoformat(before)
    started = time.perf_counter()
    if _is_sqlite():
        cur = _lite().execute("DELETE FROM visit WHERE erase_after <= ?", (str(at),))
        count = cur.rowcount
    else:
        status = await _pool.execute("DELETE FROM visit WHERE erase_after <= $1", at)
        count = int(status.split()[-1])
    return {"seconds": time.perf_counter() - started, "rows": count}


@post("/bench/sweep", opt=public(), include_in_schema=False)
async def run_sweep(before: FromQuery[str]) -> dict[str, Any]:
    """The retention sweep, run in the server's event loop as the scheduler runs it."""
    from bench.targets import sweep

    started = time.perf_counter()
    counts = await sweep(before)
    return {"seconds": time.perf_counter() - started, "counts": counts}


@get("/bench/floor/cv-page", opt=public(), include_in_schema=False)
async def floor_cv_page() -> Response:
    """The least that draws a CV page: PDFium draws page 1 of the same 5-page PDF at the same
    scale (under the same lock, PDFium is not thread-safe) and Pillow writes the same PNG
    (greyscale, same compression), from bytes already in memory. No session, no consent,
    no audit, no decryption, no watermark: the floor of B8. On the same drawing thread."""
    from app.recruiting.cv_render import run

    return Response(await run(_draw_floor_page), media_type="image/png")


def _draw_floor_page() -> bytes:
    import io

    import pypdfium2 as pdfium

    from app.recruiting.cv_render import _PDFIUM, PAGE_WIDTH

    with _PDFIUM:
        pdf = pdfium.PdfDocument(_FLOOR_PDF)
        page = pdf[0]
        bitmap = page.render(scale=PAGE_WIDTH / page.get_width(), may_draw_forms=False)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
        pdf.close()
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


_FLOOR_PDF = pdf_pages(5)  # the same file as B8's CV (bench/cv_preview_case.py)

app = create_app()
for handler in (
    floor_insert,
    floor_upload,
    floor_select,
    floor_statistics,
    floor_delete_visits,
    floor_cv_page,
    run_sweep,
):
    app.register(handler)
app.on_startup.append(_start_pool)
app.on_shutdown.append(_stop_pool)
