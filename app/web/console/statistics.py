"""Anonymous statistics (issue 20): the page as server-rendered SVG charts with a table of
the same numbers under each (no JavaScript), and its CSV and JSON downloads. Who may see the
page may download exactly what it shows."""

from datetime import date
from functools import lru_cache

from babel.dates import format_date
from litestar import Request, Response, get
from litestar.response import Template

from app.clock import utcnow
from app.dates import day as day_text
from app.i18n import gettext_for
from app.privacy import statistics_charts, statistics_export, statistics_periods
from app.privacy.statistics import local_day
from app.privacy.statistics_periods import Period
from app.privacy.statistics_report import report
from app.recruiting import sources
from app.visits.sites import site_names
from app.web.access import staff
from app.web.console.chrome import console_page, query
from app.web.render import language


async def _report(request: Request) -> dict:
    today = local_day(utcnow())
    period = statistics_periods.parse(query(request, "period", 16), today)
    lang = language(request)
    site = query(request, "site", 120)  # a site's name, as its visits are counted
    return await report(period, lang, await sources.listed(lang, active_only=False), site)


@lru_cache(maxsize=1024)
def period_label(period: Period, lang: str) -> str:
    """ "December 2026", "Q4 2026", "2026" in the page's language (Babel). Kept once made:
    the picker labels its 25 periods on every page (0.18 ms of Babel a page, made once)."""
    locale = "en_GB" if lang == "en" else lang
    if period.kind == "month":
        return format_date(period.first, "LLLL y", locale=locale)
    if period.kind == "quarter":
        return format_date(period.first, "QQQ y", locale=locale)
    return str(period.first.year)


@get("/console/statistics", opt=staff("hr", "admin"))
async def statistics_page(request: Request) -> Template:
    published = await _report(request)
    period: Period = published["period"]
    lang = language(request)
    _ = gettext_for(lang)
    groups = {"month": _("Months"), "quarter": _("Quarters"), "year": _("Years")}
    today = local_day(utcnow())
    choices = statistics_periods.choices(today)
    if period not in choices:  # reached by the arrows or a link: the picker shows it, and
        choices = sorted([*choices, period], key=lambda p: p.first, reverse=True)  # keeps it
    after = period.after() if period.end <= today else None  # nothing counted yet after today
    return console_page(
        request,
        "console/statistics.html",
        report=published,
        chart_svg=statistics_charts.svg,
        period=period,
        period_label=period_label(period, lang),
        choices=[
            (groups[kind], [(p.code, period_label(p, lang)) for p in choices if p.kind == kind])
            for kind in statistics_periods.KINDS
        ],
        before=period.before(),
        after=after,
        before_label=period_label(period.before(), lang),
        after_label=period_label(after, lang) if after else "",
        first_day=day_text(period.first, lang),
        last_day=day_text(date.fromordinal(period.end.toordinal() - 1), lang),
        site=query(request, "site", 120),
        sites=await site_names(),
    )


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@get("/console/statistics.csv", opt=staff("hr", "admin"))
async def statistics_csv(request: Request) -> Response:
    published = await _report(request)
    body = statistics_export.as_csv(published).encode("utf-8-sig")  # a spreadsheet reads UTF-8
    return _download(body, "text/csv; charset=utf-8", f"statistics-{published['period'].code}.csv")


@get("/console/statistics.json", opt=staff("hr", "admin"))
async def statistics_json(request: Request) -> Response:
    published = await _report(request)
    body = statistics_export.as_json(published)
    return _download(body, "application/json", f"statistics-{published['period'].code}.json")


ROUTES = [statistics_page, statistics_csv, statistics_json]
