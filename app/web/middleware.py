"""The outermost layer, pure ASGI so it also wraps error responses:

- the client is resolved (the peer, or the client a trusted proxy names: app.proxies)
  and its IP truncated in the scope before anything else sees it (policy: IPs anonymised;
  SECURITY.md "Privacy in the plumbing");
- each request gets a correlation id (shown on error pages, written in the log);
- security headers go on every response, errors included;
- one access-log line per request, with the route *template* (a path can hold a token) and
  no query string, no IP, no user agent."""

import logging
import time
import uuid

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.logs import REQUEST_ID
from app.metrics import observe_request
from app.privacy.ip import truncate_ip
from app.proxies import TrustedProxies

access_log = logging.getLogger("intake.access")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
STATIC_HEADERS = [
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# The camera is blocked on every page but the kiosk screens that scan a QR code (the
# invitation, the badge at sign-out: issue 19.2, 19.9), which set the request's state
# "camera" when they render (kiosk.pages._scanning), whichever route answers with them, error
# re-renders included. Microphone and location stay blocked everywhere (data minimisation, Art. 5(1)(c)).
NO_CAMERA = (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")
OWN_CAMERA = (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()")


def _permissions(scope: Scope) -> tuple[bytes, bytes]:
    """Only for an enrolled tablet (kiosk.routes.check_kiosk let it in): a refused device
    gets the blocking policy like any other page."""
    state = scope["state"]
    return OWN_CAMERA if state.get("camera") and state.get("kiosk") is not None else NO_CAMERA


def privacy_middleware(app: ASGIApp, proxies: TrustedProxies | None = None) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        client = scope.get("client")
        if client:
            peer = client[0]
            if proxies and proxies.trusts(peer):
                peer = _through_proxy(scope, proxies, peer)
            scope["client"] = (truncate_ip(peer), 0)
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        REQUEST_ID.set(request_id)  # for JSON log lines (app/logs.py)
        started = time.perf_counter()
        status = 500
        cacheable = scope["path"].startswith("/static/")

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # A handler may only make caching stricter than no-store ("no-store,
                # private" on a CV page drawn for one reviewer), never looser.
                strict = b""
                headers = []
                for h in message.get("headers", []):
                    if h[0].lower() != b"cache-control" or cacheable:
                        headers.append(h)
                    elif h[1].startswith(b"no-store"):
                        strict = h[1]
                headers.extend(STATIC_HEADERS)
                headers.append(_permissions(scope))
                headers.append((b"x-request-id", request_id.encode()))
                if not cacheable:
                    headers.append((b"cache-control", strict or b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("path_template") or "(unrouted)"
            access_log.info(
                "%s %s %s %.1fms rid=%s",
                scope.get("method", ""),
                route,
                status,
                seconds * 1000,
                request_id,
            )
            observe_request(str(scope.get("method", "")), str(route), status, seconds)

    return middleware


def _through_proxy(scope: Scope, proxies: TrustedProxies, peer: str) -> str:
    """The peer is a trusted proxy: take the client and the scheme it forwards."""
    forwarded_for = []
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            forwarded_for.append(value)
        elif name == b"x-forwarded-proto" and value.strip() in (b"http", b"https"):
            scope["scheme"] = value.strip().decode()
    return proxies.client(peer, forwarded_for)
