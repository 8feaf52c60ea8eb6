"""Logging: plain lines on stderr. What may appear is decided where lines are written
(ids, route templates, exception types); uvicorn's own access log is off because it writes
full IPs and query strings."""

import logging
import sys


def configure(debug: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_intake", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler._intake = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in ("uvicorn.access", "apscheduler.executors.default", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
