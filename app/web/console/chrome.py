"""Shared bits of the console pages: who is acting, and a page with the navigation."""

from typing import Any

from litestar import Request
from litestar.response import Template

from app.privacy.audit import Actor
from app.web.console.home import navigation_for
from app.web.render import page


def actor(request: Request) -> Actor:
    me = request.scope["state"]["staff"]
    return Actor(kind="staff", id=me.id, role=me.role)


def console_page(request: Request, template: str, **context: Any) -> Template:
    me = request.scope["state"]["staff"]
    return page(request, template, nav=navigation_for(me.role), **context)


def query(request: Request, name: str, max_length: int = 200) -> str:
    """A query parameter as plain, bounded text (never trusted further than that)."""
    return str(request.query_params.get(name) or "").strip()[:max_length]
