"""Job feeds for the careers site and the job boards (issue 21 point 5): RSS 2.0, JSON Feed
1.1 and a plain HTML list to include server-side. Public, like the list of open positions;
built on every request from the open positions, so a closed one is gone at once."""

from typing import Any

import msgspec
from litestar import Request, Response, get
from litestar.response import Template

from app.recruiting import feeds, pay, positions
from app.recruiting.job_posting import EMPLOYMENT_TYPES, job_posting, script_body
from app.web.access import public
from app.web.render import language, language_cookies, page, translate


def shown(request: Request, position: dict[str, Any]) -> dict[str, Any]:
    """A position with what people read about it in their language: the pay range as text
    (EU Directive 2023/970, Art. 5) and the employment type's label."""
    lang = language(request)
    return {
        **position,
        "salary_text": pay.salary_text(
            pay.of_position(position), lang, lambda m: translate(request, m)
        ),
        "employment_label": EMPLOYMENT_TYPES.get(position.get("employment_type") or "", ""),
    }


def posting_context(request: Request, position: dict[str, Any]) -> dict[str, Any]:
    """What the position page adds: its facts and its JobPosting JSON-LD."""
    return {
        "position": shown(request, position),
        "job_posting_json": script_body(job_posting(position)),
    }


async def _open(request: Request) -> tuple[str, list[dict[str, Any]]]:
    return language(request), await positions.open_positions()


@get("/feeds/positions.rss", opt=public())
async def rss_feed(request: Request) -> Response[bytes]:
    lang, rows = await _open(request)
    body = feeds.rss(rows, lang, lambda m: translate(request, m))
    return Response(
        body,
        media_type="application/rss+xml; charset=utf-8",
        cookies=language_cookies(request, lang),
    )


@get("/feeds/positions.json", opt=public())
async def json_feed(request: Request) -> Response[bytes]:
    lang, rows = await _open(request)
    body = msgspec.json.encode(feeds.json_feed(rows, lang, lambda m: translate(request, m)))
    return Response(
        body, media_type="application/feed+json", cookies=language_cookies(request, lang)
    )


@get("/feeds/positions.html", opt=public())
async def embeddable_list(request: Request) -> Template:
    rows = await positions.open_positions()
    return page(request, "portal/embed.html", positions=[shown(request, p) for p in rows])


ROUTES = [rss_feed, json_feed, embeddable_list]
