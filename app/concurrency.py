"""Running independent jobs at once (the retention sweep's chains and its PostgreSQL workers)."""

import asyncio
from collections.abc import Awaitable


async def side_by_side(*jobs: Awaitable[None]) -> None:
    """Run the jobs concurrently, each to its end (a failed batch in one does not roll back
    the batches of another, which commit on their own), then raise the first failure as
    itself."""
    results = await asyncio.gather(*jobs, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
