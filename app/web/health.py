"""Liveness and readiness for the load balancer."""

from litestar import Response, get

from app import db
from app.web.access import public


@get("/healthz", opt=public(), include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", opt=public(), include_in_schema=False)
async def readyz() -> Response[dict[str, str]]:
    if await db.ping():
        return Response({"status": "ready"})
    return Response({"status": "database unavailable"}, status_code=503)


ROUTES = [healthz, readyz]
