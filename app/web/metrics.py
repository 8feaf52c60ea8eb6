"""GET /metrics for the scraper (issue 18.6): only from the addresses in INTAKE_METRICS_ALLOW
(loopback by default); anyone else gets the 404 of a route that does not exist."""

import ipaddress

from litestar import Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

from app import metrics
from app.config import current
from app.jobs import last_successes
from app.privacy.ip import truncate_ip
from app.tables import OutboxMail


def scraper() -> dict[str, str]:
    return {"access": "scraper"}


def allowed(client: str, allow: tuple[str, ...]) -> bool:
    """Whether a client address (already truncated on arrival: IPv4 /24, IPv6 /48) is in the
    allow list. A network narrower than the truncation is compared truncated too, so `::1`
    and `127.0.0.1/32` still mean the machine itself."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    for entry in allow:
        network = ipaddress.ip_network(entry.strip(), strict=False)
        if address in network or truncate_ip(str(network.network_address)) == client:
            return True
    return False


async def check_scraper(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    client = connection.client.host if connection.client else ""
    if not allowed(client, current().metrics_allow):
        raise NotFoundException()


@get("/metrics", opt=scraper(), include_in_schema=False)
async def metrics_page() -> Response[bytes]:
    backlog = await OutboxMail.count().where(
        OutboxMail.sent_at.is_null() & OutboxMail.failed_at.is_null()
    )
    failed = await OutboxMail.count().where(OutboxMail.failed_at.is_not_null())
    sweep = (await last_successes()).get("retention_sweep")
    body = metrics.render(metrics.DatabaseGauges(backlog, failed, sweep))
    return Response(body, media_type=metrics.CONTENT_TYPE)


ROUTES = [metrics_page]
