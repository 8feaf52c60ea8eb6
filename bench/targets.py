"""How the bench drives the features other issues build (kiosk sign-in, apply, review queue,
retention sweep). Where a feature does not exist yet, a stand-in is used and the result says
so (and never counts as met)."""

import importlib.util
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bench import seed
from bench.load import Connection, form

if TYPE_CHECKING:
    from bench.cases import Context

Step = Callable[[Connection, int], Awaitable[int]]
Prepare = Callable[[Connection], Awaitable[None]]


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def kiosk_exists() -> bool:
    return _has("app.visits.visits") and _has("kiosk.pages")


async def kiosk_step(ctx: "Context") -> tuple[Step, Prepare]:
    """The full kiosk sign-in POST (validation, notice acknowledgement, insert, host mail
    queued, badge page). Each connection is an enrolled tablet; each request a new visitor
    with a fresh form (a replayed form is refused by design).

    Until the kiosk exists, /healthz stands in (not the floor: the floor's raw sqlite3 call
    blocks the event loop while it waits for a write lock, a deadlock with the app's own
    transactions that a mixed load would measure instead of the app)."""
    from bench.cases import csrf_prepare

    if not kiosk_exists():

        async def prepare_standin(conn: Connection) -> None:
            await csrf_prepare(ctx, conn)

        async def standin(conn: Connection, n: int) -> int:
            return (await conn.request("GET", "/healthz")).status

        return standin, prepare_standin

    if "kiosk" not in ctx.cache:
        ctx.cache["kiosk"] = {
            "host": seed.host(ctx.db),
            "notice": seed.visitor_notice(ctx.db),
            "credentials": seed.kiosks(ctx.db, 40),
            "next": 0,
        }
    setup = ctx.cache["kiosk"]

    async def prepare(conn: Connection) -> None:
        credentials = setup["credentials"]
        conn.cookies["intake_kiosk"] = credentials[setup["next"] % len(credentials)]
        setup["next"] += 1
        await csrf_prepare(ctx, conn, "/kiosk")

    async def step(conn: Connection, n: int) -> int:
        body, ctype = form(
            {
                "visitor_name": f"Visitor Number {n}",
                "company": "Acme A/S",
                "host_id": str(setup["host"]),
                "purpose": "meeting",
                "notice_id": str(setup["notice"]),
                "language": "en",
                "submission": secrets.token_urlsafe(18),
            }
        )
        response = await conn.request("POST", "/kiosk/sign-in", body, ctype)
        if response.status == 200 and b"badge" not in response.body:
            return 299  # a 200 without a badge is not a sign-in
        return response.status

    return step, prepare


async def sweep(before: str) -> dict[str, Any]:
    """Run the retention sweep in this (the server's) process, as the scheduler runs it."""
    from datetime import datetime

    from app.privacy.sweep import sweep as retention_sweep

    return await retention_sweep(datetime.fromisoformat(before))
