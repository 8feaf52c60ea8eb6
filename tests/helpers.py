"""Small helpers shared by the tests: CSRF tokens from forms, logging in, the sweep's batch sizes."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import msgspec
from litestar.testing import AsyncTestClient

from app.config import current, use

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def form_token(client: AsyncTestClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text[:500]
    return csrf_from(response.text)


async def post_form(client: AsyncTestClient, path: str, data: dict, token_from: str | None = None):
    """POST `data` with the CSRF token of the page at `token_from` (default: `path`)."""
    token = await form_token(client, token_from or path)
    return await client.post(path, data={**data, "_csrf_token": token})


async def login_staff(client: AsyncTestClient, email: str, password: str):
    return await post_form(client, "/console/login", {"email": email, "password": password})


@contextmanager
def batch_size(n: int) -> Iterator[None]:
    """The retention sweep with batches of `n` rows (applications and visits alike)."""
    before = current()
    use(msgspec.structs.replace(before, retention_batch_size=n, retention_visit_batch_size=n))
    try:
        yield
    finally:
        use(before)


def away_from_the_minutes_end() -> None:
    """The rate limit's window is a calendar minute (app/rate_limit.py): a burst that crosses
    its end is counted in two windows, and its 31st request passes. Start in a fresh minute."""
    second = datetime.now(UTC).second
    if second >= 45:
        time.sleep(61 - second)
