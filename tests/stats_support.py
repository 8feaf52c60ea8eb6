"""The anonymous counters as a test sees them: every counter by its key, to compare before
and after (erasure and the sweep must leave every one unchanged, issue 20)."""

from datetime import date

from app.privacy import statistics
from app.tables import AnonymousStat


async def counters() -> dict[str, int]:
    rows = await AnonymousStat.select(AnonymousStat.key, AnonymousStat.total)
    return {r["key"]: r["total"] for r in rows}


async def some_counters() -> dict[str, int]:
    """A few counters of every kind, as events would have left them; returns them all."""
    await statistics.add("applications", date(2026, 2, 1), "Backend developer", 3)
    await statistics.add("stage_reached", date(2026, 2, 1), "screening", 2)
    await statistics.add("visits", date(2026, 2, 14), "interview", 4, detail="Lobby")
    await statistics.add("consent", date(2026, 2, 1), "m", 3, detail="given")
    return await counters()
