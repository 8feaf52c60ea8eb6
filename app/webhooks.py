"""Posting to a webhook: the host's chat notice (app.visits.chat, issue 19 point 7) and the
hand-off to an HR system (app.recruiting.handover, issue 17 point 10).

httpx is imported only when something is due: at import it costs 7 MB of RSS in every
worker (bench B6), and most installations never post anything. No redirect is followed:
the address was checked when it was set, and a redirect would send the body elsewhere."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    Client = httpx.AsyncClient  # for the callers' annotations, without importing httpx


@asynccontextmanager
async def client(timeout_seconds: float) -> AsyncIterator["Client"]:
    """One client for a batch of posts."""
    import httpx

    async with httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False) as http:
        yield http


async def post(http: "Client", url: str, **request: Any) -> str:
    """'' when the receiver took it (2xx); else what went wrong, a status or the exception's
    type, never any content (logs and the console keep no personal data)."""
    import httpx  # loaded by client() already: a dictionary look-up

    try:
        answer = await http.post(url, **request)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return "" if answer.is_success else f"HTTP {answer.status_code}"
