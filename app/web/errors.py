"""Friendly error pages and JSON errors with a correlation id; no stack trace leaves the server.

A database that does not answer becomes a 503 ("we'll be right back"), not a 500."""

import logging
import sqlite3
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect

from app.errors import IntakeError, TooManyAttempts
from app.web.guards import LoginRequired, PasswordChangeRequired
from app.web.render import page, translate

log = logging.getLogger("intake.errors")

TITLES = {
    400: "That request could not be understood",
    401: "Please sign in",
    403: "You do not have access to this page",
    404: "We could not find that page",
    405: "That is not possible here",
    409: "Someone changed this at the same time",
    413: "That file is too large",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "We'll be right back",
}
DETAILS = {
    413: "Files may be at most 10 MiB.",
    429: "Please wait a little and try again.",
    500: "It is not your fault. If it happens again, tell us the reference below.",
    503: "The service is briefly unavailable. Please try again in a minute.",
}


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def is_database_down(exc: BaseException) -> bool:
    names = {type(e).__name__ for e in (exc, exc.__cause__, exc.__context__) if e is not None}
    return bool(
        names
        & {
            "ConnectionRefusedError",
            "ConnectionDoesNotExistError",
            "CannotConnectNowError",
            "ConnectionFailureError",
            "InterfaceError",
            "PostgresConnectionError",
            "TooManyConnectionsError",
            "ConnectionResetError",
            "AdminShutdownError",
        }
    ) or (isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc))


def is_out_of_range(exc: BaseException) -> bool:
    """SQLite's driver raises OverflowError; asyncpg a DataError ("out of range")."""
    for e in (exc, exc.__cause__, exc.__context__):
        if isinstance(e, OverflowError):
            return True
        if e is not None and type(e).__name__ == "DataError" and "range" in str(e):
            return True
    return False


def error_response(request: Request, status: int, detail: str = "") -> Response:
    rid = request.scope["state"].get("request_id", "")
    title = translate(request, TITLES.get(status, TITLES[500]))
    detail = detail or DETAILS.get(status, "")
    # gettext("") is the catalogue's header, not an empty text: never ask for it
    detail = translate(request, detail) if detail else ""
    headers = {}
    if status == 503:
        headers["retry-after"] = "30"
    if wants_json(request):
        return Response(
            {"status_code": status, "detail": title, "message": detail, "request_id": rid},
            status_code=status,
            media_type=MediaType.JSON,
            headers=headers,
        )
    template = page(
        request, "error.html", status_code=status, status=status, title=title, detail=detail
    )
    template.headers.update(headers)
    return template  # type: ignore[return-value]


def handle_exception(request: Request, exc: Exception) -> Response:
    rid = request.scope["state"].get("request_id", "")
    if isinstance(exc, LoginRequired) and not wants_json(request):
        target = "/console/login" if exc.kind == "staff" else "/me/signin"
        return Redirect(f"{target}?next={quote(request.url.path)}", status_code=303)
    if isinstance(exc, PasswordChangeRequired) and not wants_json(request):
        return Redirect("/console/password", status_code=303)
    if isinstance(exc, TooManyAttempts):
        response = error_response(request, 429, getattr(exc, "detail", ""))
        response.headers["retry-after"] = str(exc.retry_after)
        return response
    if isinstance(exc, IntakeError):
        return error_response(request, exc.status_code, exc.message)
    if isinstance(exc, HTTPException):
        status = exc.status_code
        if status >= 500:
            log.error("http %s rid=%s", status, rid)
        return error_response(request, status)
    if is_out_of_range(exc):
        # A number beyond the database's integer range (an id like 10**30 in a URL or a field)
        # is bad input, not our failure: 400, never 500.
        return error_response(request, 400)
    if is_database_down(exc):
        log.error("database unavailable rid=%s: %s", rid, type(exc).__name__)
        return error_response(request, 503)
    # Type only: an exception's text can carry personal data (a value that failed a query).
    log.error("unexpected %s rid=%s", type(exc).__name__, rid, exc_info=_trace_only(exc))
    return error_response(request, 500)


def _trace_only(exc: Exception) -> tuple:
    """The traceback without the exception's message (which may quote user input)."""
    clean = type(exc).__new__(type(exc)) if not isinstance(exc, OSError) else exc
    try:
        clean.args = ()
    except (AttributeError, TypeError):
        clean = exc
    return (type(exc), clean, exc.__traceback__)
