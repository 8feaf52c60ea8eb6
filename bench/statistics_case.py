"""B7 (issue 20): the statistics page over three years of anonymous counters for 200
positions, this month and this year (the year's table is 200 positions x 12 months, every
cell through secondary suppression), against the floor: the raw SELECT of the same period's
counters through the driver, on the same server, in the same run. Target: p95 at most
B7_RATIO times the floor's p95; the issue's 50 ms is shown as information."""

from datetime import UTC, datetime

from bench import load, seed
from bench.cases import REVIEWERS, Context, Result, _hr_login, _ms, _ratio, _summary
from bench.load import Connection

POSITIONS = 200
MONTHS = 36
B7_RATIO = 25.0


async def b7_statistics_page(ctx: Context) -> None:
    from app.privacy.statistics_periods import current

    today = datetime.now(UTC).date()
    rows = seed.statistics(ctx.db, POSITIONS, MONTHS, today)
    emails = seed.staff(ctx.db, REVIEWERS, role="admin")
    logins = iter(emails * 4)

    async def prepare(conn: Connection) -> None:
        await _hr_login(ctx, conn, next(logins))

    for kind in ("month", "year"):
        period = current(kind, today)
        page = f"/console/statistics?period={period.code}"
        floor = f"/bench/floor/statistics?first={period.first}&end={period.end}"
        samples = []
        for path in (floor, page):

            async def step(conn: Connection, i: int, path: str = path) -> int:
                return (await conn.request("GET", path)).status

            samples.append(
                await load.run_load(ctx.host, ctx.port, step, REVIEWERS, ctx.sizes.duration / 2,
                                    ctx.sizes.warmup, prepare if path == page else None)
            )  # fmt: skip
        low, sample = samples
        p95, floor_p95 = _ms(sample, 95), _ms(low, 95)
        ratio = _ratio(p95, floor_p95)
        ok = sample.ok_share(lambda s: s == 200) > 0.99
        ctx.add(
            Result(
                "B7", ctx.db.kind,
                f"statistics page, this {kind}, {MONTHS} months x {POSITIONS} positions "
                f"({rows:,} counters), p95",
                "ms", p95, floor_p95, ratio, _ms(sample, 50), _ms(sample, 99),
                f"p95 <= {B7_RATIO:g}x floor p95 (50 ms: information)",
                bool(ok and ratio is not None and ratio <= B7_RATIO),
                {"target": _summary(sample), "floor": _summary(low),
                 "absolute_target_met": bool(p95 is not None and p95 <= 50)},
            )
        )  # fmt: skip
