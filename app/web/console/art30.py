"""The record of processing (GDPR Art. 30): a page, and Markdown and JSON downloads."""

from litestar import Request, Response, get
from litestar.response import Template

from app.config import current
from app.privacy import art30
from app.web.access import staff
from app.web.console.chrome import console_page


@get("/console/art30", opt=staff("admin"))
async def art30_page(request: Request) -> Template:
    return console_page(request, "console/art30.html", record=art30.record(current()))


def _download(body: str, media_type: str, name: str) -> Response:
    return Response(
        body.encode(),
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@get("/console/art30.md", opt=staff("admin"))
async def art30_markdown() -> Response:
    return _download(
        art30.as_markdown(current()), "text/markdown; charset=utf-8", "record-of-processing.md"
    )


@get("/console/art30.json", opt=staff("admin"))
async def art30_json() -> Response:
    return _download(art30.as_json(current()), "application/json", "record-of-processing.json")


ROUTES = [art30_page, art30_markdown, art30_json]
