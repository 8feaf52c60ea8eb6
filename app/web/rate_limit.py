"""The door's side of app/rate_limit.py: POSTs to the public forms count against their
client's minute; over the limit they answer 429 with Retry-After (app/web/errors.py)."""

from litestar.types import ASGIApp, Receive, Scope, Send

from app.clock import utcnow
from app.errors import TooManyAttempts
from app.rate_limit import Counter, over_limit

# Unsafe methods on these paths are rate-limited per client (SECURITY.md "Requests").
RATE_LIMITED_PREFIXES = ("/console/login", "/console/reset", "/apply", "/kiosk/pair", "/me/signin")
# GETs that write: the identity provider's sign-in start keeps a pending state (issue 18.5).
RATE_LIMITED_GETS = ("/console/login/sso",)


def rate_limit_middleware(store: Counter) -> type:
    """A Litestar middleware class bound to `store` (the database, or Redis)."""

    class RateLimit:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and (
                (scope.get("method") == "POST" and scope["path"].startswith(RATE_LIMITED_PREFIXES))
                or (scope.get("method") == "GET" and scope["path"] in RATE_LIMITED_GETS)
            ):
                client = (scope.get("client") or ("", 0))[0]  # truncated on arrival
                wait = await over_limit(store, client, utcnow())
                if wait:
                    raise TooManyAttempts(retry_after=wait)
            await self.app(scope, receive, send)

    return RateLimit
