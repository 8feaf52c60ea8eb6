"""The retention page for admins and the data-protection officer: the rules in force, what
falls due now and in the next 30 days, and every job run with its counts or error."""

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template

from app.clock import utcnow
from app.privacy.retention_labels import job_label, record_label
from app.privacy.retention_report import overview
from app.web.access import staff
from app.web.console.chrome import console_page


@get("/console/retention", opt=staff("admin"))
async def retention_page(
    request: Request, runs_before: int | None = Parameter(default=None, ge=1)
) -> Template:
    return console_page(
        request,
        "console/retention.html",
        record_label=record_label,
        job_label=job_label,
        **await overview(utcnow(), runs_before),
    )


ROUTES = [retention_page]
