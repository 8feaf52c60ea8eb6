"""The kiosk door's routes and its access check (the device credential)."""

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

ROUTES: list[Any] = []


async def check_kiosk(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Only an enrolled, unrevoked tablet may call a kiosk route."""
    raise PermissionDeniedException("This device is not an enrolled kiosk.")
