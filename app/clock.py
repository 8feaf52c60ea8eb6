"""The one place that reads the wall clock. Services take `now` as an argument; doors call
`utcnow()` once per request, so tests can freeze time by passing their own `now`."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
