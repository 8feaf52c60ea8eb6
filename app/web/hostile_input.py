"""Input that no handler should ever see, refused once for every route (issue 16 item 8).

- A NUL byte in the path or the query string: PostgreSQL cannot store or even compare it
  (asyncpg raises on the bind), so a search or a slug holding one answered 500. No page of
  Intake needs one; the answer is 400.
- A JSON body nested deeper than MAX_JSON_DEPTH: msgspec's decoder recurses and raised
  RecursionError (a 500) already at a depth of about a thousand. The kiosk API's bodies are
  flat objects; the bound is generous and refuses before anything decodes the body.

Runs as the app's `before_request` hook: after routing (an unknown path stays a 404), before
the handler's parameters and body are parsed. The body read here is the one Litestar keeps
for the handler, so it is read once."""

import re

from litestar import Request
from litestar.exceptions import ClientException

MAX_JSON_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_INNERMOST = re.compile(rb"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")
# Litestar decodes a handler's JSON `data` whatever the content type says: every body that
# is not a form is checked.
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_nul(request: Request) -> bool:
    query = request.scope["query_string"]
    return "\x00" in request.scope["path"] or b"%00" in query or b"\x00" in query


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Is any array or object nested more than `limit` deep? Regular expressions only (C
    speed), no recursion: strings are dropped, then innermost pairs removed `limit` times.
    Unbalanced brackets count as too deep; such a body is not JSON anyway."""
    if body.count(b"[") + body.count(b"{") <= limit:  # every kiosk call: one C-level pass
        return False
    rest = _STRING.sub(b"", body)
    for _ in range(limit):
        rest, removed = _INNERMOST.subn(b"", rest)
        if not removed:
            break
    return b"[" in rest or b"{" in rest


async def refuse_hostile_input(request: Request) -> None:
    if has_nul(request):
        raise ClientException("A NUL byte in the address.")
    if request.method in ("POST", "PUT", "PATCH"):
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind not in _FORMS and json_too_deep(await request.body()):
            raise ClientException(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
