"""A sweep in its own process, one record per batch, printing after each committed batch. At
its fifth visit batch it stops in the middle of the transaction (the DELETE and its receipt
written, no COMMIT), prints "paused", and waits, so a test kills it (-9) at that exact point.

The pause blocks the whole process (a plain blocking read, not a thread): on PostgreSQL the
other visit worker and the applications' chain stop as well, so nothing moves between the
"paused" line and the kill. Before, the test killed after a number of lines while the sweep
ran on, and on a fast machine it had finished the visits first (CI, stop 26)."""

import asyncio
import sys
from datetime import datetime
from typing import Any

import msgspec

PAUSE_AT_VISIT_BATCH = 5


async def main(now: str) -> None:
    from app.config import current, use
    from app.privacy import sweep_visits
    from app.privacy.sweep import sweep

    receipt = sweep_visits._receipt
    batches = 0

    async def receipt_then_pause(*args: Any) -> None:
        nonlocal batches
        await receipt(*args)
        batches += 1
        if batches == PAUSE_AT_VISIT_BATCH:
            print("paused", flush=True)
            sys.stdin.readline()  # never answered: the test kills the process here

    sweep_visits._receipt = receipt_then_pause  # type: ignore[assignment]
    use(msgspec.structs.replace(current(), retention_batch_size=1, retention_visit_batch_size=1))
    await sweep(datetime.fromisoformat(now), lambda kind, n: print(kind, n, flush=True))
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
