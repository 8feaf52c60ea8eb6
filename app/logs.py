"""Logging: plain lines on stderr, or one JSON object a line (INTAKE_LOG_FORMAT=json, for a log
collector; issue 18.6), each with the request's correlation id when there is one. What may
appear is decided where lines are written (ids, route templates, exception types); uvicorn's
own access log is off because it writes full IPs and query strings."""

import json
import logging
import sys
from contextvars import ContextVar

# The correlation id of the request being answered (set by app/web/middleware.py).
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            line["trace"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(debug: bool = False, json_lines: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_intake", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    handler._intake = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    # authlib logs the PKCE code_verifier at DEBUG, and httpx each call to the identity
    # provider at INFO: neither belongs in Intake's log, even with INTAKE_DEBUG.
    noisy_loggers = ("uvicorn.access", "apscheduler.executors.default", "aiosqlite", "asyncio",
                     "authlib", "httpx", "httpcore")  # fmt: skip
    for noisy in noisy_loggers:
        logging.getLogger(noisy).setLevel(logging.WARNING)
