"""The benchmarks B1..B6 of issue 8. Each returns Result objects: a figure, the floor measured in
the same run on the same server, their ratio, and whether the target is met."""

import asyncio
import itertools
import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from bench import load, seed, targets
from bench.harness import Database, Server, Sizes, argon2_profile
from bench.load import Connection, Sample

# A kiosk-like load: 8 tablets, each starting at most 4 sign-ins a second (32/s, a hundred
# times a busy lobby, where a sign-in takes a visitor half a minute), so the kiosk's p99 shows
# what a storm or a sweep does to it, not the queue of a saturated server (B1 measures that).
KIOSK_TABLETS = 8
KIOSK_PACE = 0.25


@dataclass
class Result:
    benchmark: str
    database: str
    name: str
    unit: str
    value: float | None
    floor: float | None
    ratio: float | None
    p50_ms: float | None
    p99_ms: float | None
    target: str
    met: bool | None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        # Four significant digits: a floor of 0.0002 s keeps its precision, 3,412.7 its digits.
        return {
            k: (float(f"{v:.4g}") if isinstance(v, float) else v) for k, v in asdict(self).items()
        }


@dataclass
class Context:
    db: Database
    server: Server
    sizes: Sizes
    results: list[Result] = field(default_factory=list)
    peaks: dict[str, float] = field(default_factory=dict)  # benchmark -> peak RSS MB
    starts: dict[str, float] = field(default_factory=dict)  # benchmark -> RSS MB before it
    ip_counter: int = 0
    cache: dict[str, Any] = field(default_factory=dict)  # set-up shared by benchmarks

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self.server.port

    def new_ip(self) -> str:
        """A distinct client address (its own /24): rate limits key on the client, and each
        simulated person is a different client."""
        self.ip_counter += 1
        n = self.ip_counter
        return f"10.{(n >> 8) & 255}.{n & 255}.7"

    def add(self, result: Result) -> Result:
        self.results.append(result)
        return result


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _within(value: float | None, floor: float | None, times: float) -> bool:
    """A target as a ratio: `value` at most `times` its floor, both from the same run."""
    return value is not None and floor is not None and floor > 0 and value <= times * floor


def _ms(sample: Sample, q: float) -> float | None:
    return sample.percentile_ms(q)


def _summary(sample: Sample) -> dict[str, Any]:
    return {
        "requests": sample.count,
        "rps": round(sample.rate, 1),
        "statuses": {str(k): v for k, v in sorted(sample.statuses.items())},
        "errors": sample.errors,
    }


async def csrf_prepare(ctx: Context, conn: Connection, path: str = "/healthz") -> None:
    conn.extra["X-Forwarded-For"] = ctx.new_ip()
    await conn.request("GET", path)


async def floor_step(conn: Connection, n: int) -> int:
    return (await conn.request("POST", "/bench/floor/insert")).status


def measured(ctx: Context, name: str) -> Callable[..., Any]:
    """Reset the server's peak RSS before a benchmark and keep its own peak afterwards."""

    def wrap(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def inner(*args: Any) -> Any:
            ctx.starts[name] = ctx.server.rss_mb()
            ctx.server.reset_peak()
            try:
                return await fn(*args)
            finally:
                ctx.peaks[name] = ctx.server.peak_rss_mb()

        return inner

    return wrap


async def kiosk_load(
    ctx: Context, stop: asyncio.Event | None = None, warmup: float = 0.0
) -> Sample:
    """The kiosk-like background load: the kiosk sign-in when it exists, else the floor."""
    step, prepare = await targets.kiosk_step(ctx)
    return await load.run_load(
        ctx.host, ctx.port, step, KIOSK_TABLETS, ctx.sizes.duration, warmup=warmup,
        prepare=prepare, pace=KIOSK_PACE, stop=stop,
    )  # fmt: skip


# --- B1 ----------------------------------------------------------------------------------


# Issue 19: the badge's QR code (a sign-out link) is segno's, and the ratio target moved from
# 0.5 to 0.35 for it: a sign-in is not made faster by writing by hand what a library does.
B1_RATIO = 0.35
# Every target is a ratio to a floor measured in the same run (issue 20): absolute
# milliseconds held on one machine only (a machine three times slower missed B3's 30 ms with
# its ratio unchanged). The absolute figures stay in the table, as information.
P99_RATIO = 5.0  # the kiosk's p99 against its floor's: B1, during logins (B5), during a sweep (B4)
B3_RATIO = 12.0  # a review-queue page's p95 against the raw SELECT's (6-10x on two machines)


async def b1_kiosk_signin(ctx: Context) -> None:
    async def prep_floor(c: Connection) -> None:
        await csrf_prepare(ctx, c)

    floor = await load.run_load(
        ctx.host, ctx.port, floor_step, 32, ctx.sizes.duration, ctx.sizes.warmup, prep_floor
    )
    step, prepare = await targets.kiosk_step(ctx)
    real = targets.kiosk_exists()
    sample = await load.run_load(
        ctx.host, ctx.port, step, 32, ctx.sizes.duration, ctx.sizes.warmup, prepare
    )
    ratio = _ratio(sample.rate, floor.rate)
    p99 = _ms(sample, 99)
    ok = sample.ok_share(lambda s: s < 300 if not real else s == 200) > 0.99
    ctx.add(
        Result(
            "B1", ctx.db.kind, "kiosk sign-in, 32 connections" + ("" if real else " (STAND-IN)"),
            "req/s", sample.rate, floor.rate, ratio, _ms(sample, 50), p99,
            f"ratio >= {B1_RATIO} and p99 <= {P99_RATIO:g}x floor p99",
            bool(real and ok and ratio is not None and ratio >= B1_RATIO
                 and _within(p99, _ms(floor, 99), P99_RATIO)),
            {"target": _summary(sample), "floor": _summary(floor), "floor_p99_ms": _ms(floor, 99)},
        )
    )  # fmt: skip


# --- B5 ----------------------------------------------------------------------------------

LOGIN_ROUNDS = int(os.environ.get("BENCH_LOGIN_ROUNDS", "3"))
LOGINS = int(os.environ.get("BENCH_LOGINS", "16"))


async def _login(ctx: Context, email: str) -> tuple[float, int]:
    conn = Connection(ctx.host, ctx.port)
    conn.extra["X-Forwarded-For"] = ctx.new_ip()
    try:
        await conn.request("GET", "/console/login")
        body, ctype = load.form(
            {"email": email, "password": seed.STAFF_PASSWORD, "next": "/console"}
        )
        started = time.perf_counter()
        status = (await conn.request("POST", "/console/login", body, ctype)).status
        return time.perf_counter() - started, status
    finally:
        await conn.close()


async def b5_login_storm(ctx: Context) -> None:
    emails = seed.staff(ctx.db, LOGINS, role="reception")
    quiet = ctx.cache["quiet_kiosk"] = await kiosk_load(ctx)
    stop = asyncio.Event()
    background = asyncio.create_task(kiosk_load(ctx, stop=stop))
    await asyncio.sleep(0.3)
    logins: list[tuple[float, int]] = []
    for _ in range(LOGIN_ROUNDS):
        logins += await asyncio.gather(*(_login(ctx, e) for e in emails))
    stop.set()
    storm = await background
    p99 = _ms(storm, 99)
    login_times = Sample(latencies=[t for t, _ in logins])
    statuses: dict[int, int] = {}
    for _, s in logins:
        statuses[s] = statuses.get(s, 0) + 1
    ctx.add(
        Result(
            "B5", ctx.db.kind,
            f"kiosk p99 during {LOGIN_ROUNDS}x{LOGINS} staff logins (argon2 {argon2_profile()})"
            + ("" if targets.kiosk_exists() else " (STAND-IN kiosk)"),
            "ms", p99, _ms(quiet, 99), _ratio(p99, _ms(quiet, 99)), _ms(storm, 50), p99,
            f"kiosk p99 <= {P99_RATIO:g}x quiet p99",
            bool(_within(p99, _ms(quiet, 99), P99_RATIO) and statuses.get(303)),
            {"kiosk": _summary(storm), "quiet_kiosk": _summary(quiet),
             "login_p50_ms": login_times.percentile_ms(50),
             "login_p99_ms": login_times.percentile_ms(99),
             "login_statuses": {str(k): v for k, v in statuses.items()}},
        )
    )  # fmt: skip


# --- B6 ----------------------------------------------------------------------------------


def b6_memory(ctx: Context, idle_mb: float) -> None:
    peak = max([*ctx.peaks.values(), ctx.server.peak_rss_mb()])
    ctx.add(
        Result(
            "B6", ctx.db.kind, "server peak RSS over the whole run", "MB", peak, idle_mb,
            _ratio(peak, idle_mb), None, None, "peak RSS <= 200 MB", peak <= 200,
            {"per_benchmark_peak_mb": {k: round(v, 1) for k, v in ctx.peaks.items()},
             "per_benchmark_start_mb": {k: round(v, 1) for k, v in ctx.starts.items()}},
        )
    )  # fmt: skip


# --- B2 ----------------------------------------------------------------------------------

APPLY_CONNECTIONS = 8


def _cv_pdf(size: int) -> bytes:
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    line = b"0 0 Td (bench curriculum vitae line) Tj\n"
    return head + (line * (size // len(line) + 1))[: max(0, size - len(head) - len(tail))] + tail


async def b2_apply(ctx: Context) -> None:
    slug = "bench-apply"
    seed.position(ctx.db, slug)
    cv = _cv_pdf(ctx.sizes.cv_bytes)

    async def prepare(conn: Connection) -> None:
        await csrf_prepare(ctx, conn, f"/apply/{slug}")

    def fields(conn: Connection, n: int) -> dict[str, str]:
        return {
            "_csrf_token": conn.cookies.get("intake_csrf", ""),
            "full_name": f"Applicant Number {n}",
            "email": f"applicant{n}.{ctx.ip_counter}@apply.example",
            "phone": "+45 12 34 56 78",
            "cover_letter": "I would like to work with you.",
            "consent_m": "true",
            "consent_n": "true",
        }

    async def floor(conn: Connection, n: int) -> int:
        body, ctype = load.multipart(fields(conn, n), {"cv": ("cv.pdf", "application/pdf", cv)})
        headers = {"X-Forwarded-For": ctx.new_ip()}
        return (await conn.request("POST", "/bench/floor/upload", body, ctype, headers)).status

    async def apply(conn: Connection, n: int) -> int:
        body, ctype = load.multipart(fields(conn, n), {"cv": ("cv.pdf", "application/pdf", cv)})
        headers = {"X-Forwarded-For": ctx.new_ip()}  # each candidate is another client
        return (await conn.request("POST", f"/apply/{slug}", body, ctype, headers)).status

    args = (APPLY_CONNECTIONS, ctx.sizes.duration, ctx.sizes.warmup, prepare)
    ctx.server.reset_peak()
    base = await load.run_load(ctx.host, ctx.port, floor, *args)
    floor_peak = ctx.server.peak_rss_mb()
    ctx.server.reset_peak()
    sample = await load.run_load(ctx.host, ctx.port, apply, *args)
    peak = ctx.server.peak_rss_mb()
    ok = sample.ok_share(lambda s: s == 200) > 0.99
    ctx.add(
        Result(
            "B2", ctx.db.kind,
            f"apply with a {ctx.sizes.cv_bytes // 1024} KiB CV, {APPLY_CONNECTIONS} connections",
            "req/s", sample.rate, base.rate, _ratio(sample.rate, base.rate), _ms(sample, 50),
            _ms(sample, 99), "all answered 200; peak RSS <= 200 MB", bool(ok and peak <= 200),
            {"peak_rss_mb": round(peak, 1), "floor_peak_rss_mb": round(floor_peak, 1),
             "target": _summary(sample), "floor": _summary(base), "floor_p99_ms": _ms(base, 99)},
        )
    )  # fmt: skip


# --- B3 ----------------------------------------------------------------------------------

REVIEWERS = 4


async def _hr_login(ctx: Context, conn: Connection, email: str) -> None:
    conn.extra["X-Forwarded-For"] = ctx.new_ip()
    await conn.request("GET", "/console/login")
    body, ctype = load.form({"email": email, "password": seed.STAFF_PASSWORD, "next": "/console"})
    response = await conn.request("POST", "/console/login", body, ctype)
    if response.status != 303:
        raise RuntimeError(f"HR login answered {response.status}")


async def b3_review_queue(ctx: Context) -> None:
    n = ctx.sizes.applications
    position_id = seed.position(ctx.db, "bench-queue")
    seed.applications(ctx.db, n, position_id, "queue")
    emails = seed.staff(ctx.db, REVIEWERS, role="hr")
    seed.scorecards(ctx.db, position_id, emails, per_reviewer=300)  # issue 17's score order
    first_reviewer = seed.row(ctx.db, f"SELECT id FROM staff_member WHERE email = '{emails[0]}'")
    deep_at, deep_id = seed.row(
        ctx.db,
        f"SELECT created_at, id FROM application WHERE position = {position_id} "
        f"ORDER BY created_at, id LIMIT 1 OFFSET {int(n * 0.9)}",
    )
    stamp = deep_at if isinstance(deep_at, datetime) else datetime.fromisoformat(deep_at)
    cursor = f"{stamp.isoformat()}_{deep_id}"
    floor_at = str(deep_at) if ctx.db.kind == "sqlite" else stamp.isoformat()
    base = f"/console/positions/{position_id}/applications"
    floor = f"/bench/floor/select?position={position_id}&author={first_reviewer[0]}"
    pages = {
        "first page": (base, floor),
        "deep page (90%)": (f"{base}?after={quote(cursor)}",
                            f"{floor}&after_at={quote(floor_at)}&after_id={deep_id}"),
        "filtered page (stage)": (f"{base}?stage=interview", f"{floor}&stage=interview"),
        # Issue 17: the other orders, each with the stage tabs' counts as on every page. The
        # stage order's first page is the first stage oldest first: that stage's floor.
        "newest first page": (f"{base}?sort=newest", f"{floor}&order=newest"),
        "stage order first page": (f"{base}?sort=stage", f"{floor}&stage=received"),
        "score order first page": (f"{base}?sort=score",
                                   f"{floor}&order=score"),
    }  # fmt: skip
    logins = itertools.repeat(emails[0])  # one reviewer: the score order is theirs

    async def prepare(conn: Connection) -> None:
        await _hr_login(ctx, conn, next(logins))

    for label, (target_path, floor_path) in pages.items():
        results = []
        for path in (floor_path, target_path):

            async def step(conn: Connection, i: int, path: str = path) -> int:
                response = await conn.request("GET", path)
                return response.status

            prep = prepare if path == target_path else None
            results.append(
                await load.run_load(ctx.host, ctx.port, step, REVIEWERS, ctx.sizes.duration / 2,
                                    ctx.sizes.warmup, prep)
            )  # fmt: skip
        low, sample = results
        p95 = _ms(sample, 95)
        ok = sample.ok_share(lambda s: s == 200) > 0.99
        ctx.add(
            Result(
                "B3", ctx.db.kind, f"review queue {label}, {n:,} applications, p95",
                "ms", p95, _ms(low, 95), _ratio(p95, _ms(low, 95)), _ms(sample, 50),
                _ms(sample, 99), f"p95 <= {B3_RATIO:g}x floor p95",
                bool(ok and _within(p95, _ms(low, 95), B3_RATIO)),
                {"target": _summary(sample), "floor": _summary(low)},
            )
        )  # fmt: skip


# --- B4 ----------------------------------------------------------------------------------


async def _post_json(ctx: Context, path: str) -> dict[str, Any]:
    conn = Connection(ctx.host, ctx.port)
    try:
        await conn.request("GET", "/healthz")
        response = await conn.request("POST", path)
        if response.status >= 300:
            raise RuntimeError(f"{path} answered {response.status}: {response.body[:300]!r}")
        return dict(json.loads(response.body))
    finally:
        await conn.close()


async def b4_retention_sweep(ctx: Context) -> None:
    now = datetime.now(UTC)
    before = quote(now.isoformat())
    visits = ctx.sizes.visits
    seed.visits(ctx.db, visits, now)
    raw = await _post_json(ctx, f"/bench/floor/delete-visits?before={before}")
    seed.visits(ctx.db, visits, now)
    expired = ctx.sizes.expired_applications
    position_id = seed.position(ctx.db, "bench-expired", status="closed")
    seed.applications(ctx.db, expired, position_id, "expired", erase_after=now)
    seed.cv_files(ctx.db, ctx.db.workdir / "var" / "cv", position_id)
    swept = await _post_json(ctx, f"/bench/sweep?before={before}")  # alone, like the floor
    # A second sweep, of a tenth of the visits, while the kiosk runs: the kiosk's p99 depends
    # on how each batch holds the database, not on how many batches there are.
    seed.visits(ctx.db, max(100, visits // 10), now)
    # The quiet floor on this same database, just before the sweep, once the seed's own writes
    # are out of the WAL. B5's quiet kiosk (taken first, on a nearly empty database) was
    # 11 ms in a full run while the kiosk alone on B4's database was 50-85 ms: the ratio
    # blamed the sweep for the database's size and the seed's WAL (make bench, 2026-12-04).
    # Its first 0.2 s not counted, as below: the server's first reads after the seed's writes
    # (a page cache to refill) are not the kiosk's steady state.
    if ctx.db.kind == "sqlite":
        seed.scalar(ctx.db, "PRAGMA wal_checkpoint(TRUNCATE)")
    quiet = await kiosk_load(ctx, warmup=0.2)
    stop = asyncio.Event()
    # The tablets are signing in before the sweep starts (their first 0.2 s not counted), and
    # go on for at least 0.3 s of it: a small sweep (make test's smoke run) could otherwise end
    # before a single sign-in did, and leave no p99 to report.
    background = asyncio.create_task(kiosk_load(ctx, stop=stop, warmup=0.2))
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    try:
        under_load = await _post_json(ctx, f"/bench/sweep?before={before}")
        await asyncio.sleep(max(0.0, 0.3 - (time.perf_counter() - started)))
    finally:
        stop.set()
        during = await background
    ratio = _ratio(swept["seconds"], raw["seconds"])
    counts = swept.get("counts", {})
    done = counts.get("visits") == visits and counts.get("applications") == expired
    ctx.add(
        Result(
            "B4", ctx.db.kind,
            f"retention sweep: {visits:,} visits + {expired:,} applications with CVs",
            "s", swept["seconds"], raw["seconds"], ratio, None, None, "<= 3x one raw DELETE",
            bool(done and ratio is not None and ratio <= 3),
            {"counts": counts, "raw_delete_rows": raw.get("rows")},
        )
    )  # fmt: skip
    p99 = _ms(during, 99)
    ctx.add(
        Result(
            "B4", ctx.db.kind,
            f"kiosk p99 during a sweep of {max(100, visits // 10):,} visits"
            + ("" if targets.kiosk_exists() else " (STAND-IN)"),
            "ms", p99, _ms(quiet, 99), _ratio(p99, _ms(quiet, 99)), _ms(during, 50), p99,
            f"kiosk p99 <= {P99_RATIO:g}x quiet p99",
            bool(_within(p99, _ms(quiet, 99), P99_RATIO) and targets.kiosk_exists()),
            {"kiosk": _summary(during), "quiet_kiosk": _summary(quiet),
             "sweep_seconds_under_load": under_load["seconds"]},
        )
    )  # fmt: skip
