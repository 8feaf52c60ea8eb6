"""A sweep in its own process, one record per batch, printing after each committed batch, so
a test can kill it (-9) in the middle of the work."""

import asyncio
import sys
from datetime import datetime

import msgspec


async def main(now: str) -> None:
    from app.config import current, use
    from app.privacy.sweep import sweep

    use(msgspec.structs.replace(current(), retention_batch_size=1, retention_visit_batch_size=1))
    await sweep(datetime.fromisoformat(now), lambda kind, n: print(kind, n, flush=True))
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
