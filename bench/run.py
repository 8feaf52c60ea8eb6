"""`make bench`: every hot path against its floor, on SQLite and on PostgreSQL, in one run.

Knobs (environment):
  BENCH_SCALE=1         sizes relative to issue 8 (100,000 applications, 1,000,000 visits)
  BENCH_DURATION=8      seconds of measurement per load phase (BENCH_WARMUP=1 before it)
  BENCH_DATABASES=sqlite,postgres
  BENCH_ONLY=B1,B5      run only these benchmarks (B6 is always reported)
  BENCH_OUTPUT=bench/results/latest.json
"""

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cases
from bench.cases import Context, Result
from bench.cv_preview_case import b8_cv_preview
from bench.harness import Database, Server, Sizes, cleanup, databases, machine, workdir
from bench.statistics_case import b7_statistics_page

OUTPUT = Path(os.environ.get("BENCH_OUTPUT", Path(__file__).parent / "results" / "latest.json"))

# Order matters: the load benchmarks run on a small database, the big seeds come after.
PLAN = [
    ("B1", cases.b1_kiosk_signin),
    ("B5", cases.b5_login_storm),
    ("B2", cases.b2_apply),
    ("B3", cases.b3_review_queue),
    ("B4", cases.b4_retention_sweep),
    ("B7", b7_statistics_page),
    ("B8", b8_cv_preview),
]


def _wanted() -> set[str]:
    only = os.environ.get("BENCH_ONLY", "")
    return {b.strip().upper() for b in only.split(",") if b.strip()} or {n for n, _ in PLAN}


def _use_uvloop() -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass


def run_database(kind: str, sizes: Sizes) -> tuple[list[Result], str]:
    folder = workdir()
    db = Database(kind, folder)
    server: Server | None = None
    try:
        db.create()
        version = db.version()
        server = Server(db).start()
        time.sleep(0.5)
        idle = server.rss_mb()
        ctx = Context(db, server, sizes)
        wanted = _wanted()
        for name, fn in PLAN:
            if name not in wanted:
                continue
            print(f"  {kind}: {name} ...", flush=True)
            started = time.perf_counter()
            try:
                asyncio.run(cases.measured(ctx, name)(fn)(ctx))
            except Exception as exc:  # one broken benchmark must not hide the others
                ctx.add(Result(name, kind, f"FAILED: {type(exc).__name__}: {exc}"[:200], "",
                               None, None, None, None, None, "", False))  # fmt: skip
            print(f"  {kind}: {name} took {time.perf_counter() - started:.1f} s", flush=True)
        cases.b6_memory(ctx, idle)
        return ctx.results, version
    finally:
        if server is not None:
            server.stop()
        try:
            db.drop()
        finally:
            if os.environ.get("BENCH_KEEP"):
                print(f"  kept {folder}")
            else:
                cleanup(folder)


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(results: list[Result]) -> str:
    head = ("bench", "db", "what", "value", "floor", "ratio", "p50 ms", "p99 ms", "target", "met")
    rows = [head] + [
        (r.benchmark, r.database, r.name, f"{_fmt(r.value)} {r.unit}".strip(), _fmt(r.floor),
         _fmt(r.ratio, 2), _fmt(r.p50_ms), _fmt(r.p99_ms), r.target, _fmt(r.met))
        for r in results
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in rows]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> int:
    _use_uvloop()
    sizes = Sizes.from_env()
    started = datetime.now(UTC)
    print(f"bench: scale {sizes.scale}, {sizes.duration:g} s per load phase", flush=True)
    results: list[Result] = []
    versions: dict[str, str] = {}
    for kind in databases():
        # Each database starts from a settled disk: the SQLite phase leaves gigabytes written
        # and deleted, whose writeback would fall on PostgreSQL's first commits (one run: B1
        # on PostgreSQL ~2,200 sign-ins a second after the SQLite phase, ~2,700 alone).
        os.sync()
        time.sleep(2)
        found, versions[kind] = run_database(kind, sizes)
        results += found
    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "make bench",
        "sizes": sizes.__dict__,
        "machine": machine(versions),
        "results": [r.as_json() for r in results],
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\nwritten: {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
