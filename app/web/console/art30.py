"""The record of processing (GDPR Art. 30): a page, and Markdown and JSON downloads."""

from litestar import Request, Response, get
from litestar.response import Template

from app.config import current
from app.privacy import art30
from app.web.access import staff
from app.web.console.chrome import console_page
from app.web.render import translate


def _gettext(request: Request) -> art30.Gettext:
    """The record in the admin's language, page and downloads alike (issue 21 point 8)."""
    return lambda message: translate(request, message)


@get("/console/art30", opt=staff("admin"))
async def art30_page(request: Request) -> Template:
    _ = _gettext(request)
    return console_page(
        request,
        "console/art30.html",
        record=art30.record(current(), _),
        labels={k: _(v) for k, v in art30.KEY_LABELS.items()},
    )


def _download(body: str, media_type: str, name: str) -> Response:
    return Response(
        body.encode(),
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@get("/console/art30.md", opt=staff("admin"))
async def art30_markdown(request: Request) -> Response:
    body = art30.as_markdown(current(), _gettext(request))
    return _download(body, "text/markdown; charset=utf-8", "record-of-processing.md")


@get("/console/art30.json", opt=staff("admin"))
async def art30_json(request: Request) -> Response:
    body = art30.as_json(current(), _gettext(request))
    return _download(body, "application/json", "record-of-processing.json")


ROUTES = [art30_page, art30_markdown, art30_json]
