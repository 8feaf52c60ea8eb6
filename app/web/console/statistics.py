"""Anonymous statistics as server-rendered SVG charts (no JavaScript)."""

from litestar import Request, get
from litestar.response import Template

from app.clock import utcnow
from app.privacy.statistics_report import report
from app.web.access import staff
from app.web.console.chrome import console_page


@get("/console/statistics", opt=staff("hr", "admin"))
async def statistics_page(request: Request) -> Template:
    return console_page(request, "console/statistics.html", report=await report(utcnow()))


ROUTES = [statistics_page]
