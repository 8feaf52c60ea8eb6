"""The kiosk door's routes and its access check (the device credential)."""

from pathlib import Path
from typing import Any

from litestar import Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.static_files import create_static_files_router

from app.clock import utcnow
from app.visits.kiosks import device
from app.web.access import public
from kiosk import api, pages
from kiosk.device import bearer_credential, credential_from


async def check_kiosk(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Only an enrolled, unrevoked tablet may call a kiosk route. A revoked tablet is
    refused at its very next request: the credential is looked up every time. The JSON API
    (`bearer_only`) ignores the cookie: it is exempt from CSRF (kiosk.device)."""
    if handler.opt.get("bearer_only"):
        credential = bearer_credential(connection)
    else:
        credential = credential_from(connection)
    found = await device(credential, utcnow())
    if found is None:
        raise PermissionDeniedException("This device is not an enrolled kiosk.")
    connection.scope["state"]["kiosk"] = found


STATIC = create_static_files_router(
    path="/kiosk/static",
    directories=[Path(__file__).resolve().parent / "static"],
    name="kiosk_static",
    opt=public(),
    include_in_schema=False,
)

_STATIC_DIR = Path(__file__).resolve().parent / "static"


@get("/kiosk/sw.js", opt=public(), include_in_schema=False)
async def service_worker() -> Response[bytes]:
    """The kiosk's service worker (static/sw.js), served here so that it may control /kiosk
    itself (a worker's scope is its folder unless Service-Worker-Allowed widens it)."""
    return Response(
        (_STATIC_DIR / "sw.js").read_bytes(),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/kiosk"},
    )


ROUTES: list[Any] = [*pages.ROUTES, *api.ROUTES, STATIC, service_worker]
