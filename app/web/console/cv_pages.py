"""The CV read in place (issue 17 point 1): one page of a PDF CV as a watermarked image, a
page per request. The application page lists them (templates/console/application.html);
app.recruiting.cv_preview asks decide() and audits once per visit."""

from litestar import Request, Response, get
from litestar.params import FromPath

from app import dates
from app.clock import utcnow
from app.recruiting import cv_preview
from app.web.access import staff
from app.web.console.applications import BASE
from app.web.console.chrome import actor
from app.web.render import language

# Drawn for this request only: never stored by a browser or a proxy.
NO_STORE = "no-store, private"


@get(BASE + "/cv/{cv_id:int}/pages/{number:int}", opt=staff("hr", "admin"))
async def cv_page(
    request: Request,
    position_id: FromPath[int],
    application_id: FromPath[int],
    cv_id: FromPath[int],
    number: FromPath[int],
) -> Response:
    now = utcnow()
    reviewer = request.scope["state"]["staff"].display_name
    watermark = f"{reviewer} · {dates.day(now, language(request))}"
    png = await cv_preview.page_image(
        actor(request), application_id, position_id, cv_id, number, watermark, now
    )
    return Response(png, media_type="image/png", headers={"cache-control": NO_STORE})


ROUTES = [cv_page]
