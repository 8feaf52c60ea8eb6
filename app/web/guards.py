"""Deny by default: one app-wide guard reads the handler's `access` opt (app/web/access.py)
and loads who is calling. A handler that declares nothing is refused."""

from collections.abc import Awaitable, Callable

import msgspec
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from app.clock import utcnow
from app.config import current
from app.db import fetch
from app.staff.sessions import load_session

STAFF_COOKIE = "intake_staff"
CANDIDATE_COOKIE = "intake_candidate"


class StaffPrincipal(msgspec.Struct, frozen=True):
    id: int
    email: str
    display_name: str
    role: str
    must_change_password: bool
    sso_only: bool = False  # signs in through the identity provider: no password pages


class LoginRequired(NotAuthorizedException):
    def __init__(self, kind: str) -> None:
        super().__init__("Please sign in.")
        self.kind = kind


class PasswordChangeRequired(PermissionDeniedException):
    pass


# Extra kinds of caller, registered by the composition root (the kiosk's device credential).
AccessCheck = Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]
EXTRA_CHECKS: dict[str, AccessCheck] = {}


# Every console request asks this: constant SQL (app.db.fetch, bench B3).
_STAFF = (
    "SELECT id, email, display_name, role, must_change_password, disabled, sso_only "
    "FROM staff_member WHERE id = ?"
)


async def load_staff(connection: ASGIConnection) -> StaffPrincipal | None:
    state = connection.scope["state"]
    if "staff" in state:
        return state["staff"]
    state["staff"] = None
    info = await load_session(connection.cookies.get(STAFF_COOKIE), utcnow())
    if info is None or info.staff_id is None:
        return None
    rows = await fetch(_STAFF, info.staff_id)
    if not rows or rows[0]["disabled"]:
        return None
    row = rows[0]
    principal = StaffPrincipal(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        role=row["role"],
        must_change_password=row["must_change_password"],
        sso_only=bool(row["sso_only"]),
    )
    state["staff"] = principal
    state["session_id"] = info.id
    return principal


async def load_candidate_id(connection: ASGIConnection) -> int | None:
    state = connection.scope["state"]
    if "candidate_id" not in state:
        info = await load_session(connection.cookies.get(CANDIDATE_COOKIE), utcnow())
        state["candidate_id"] = info.candidate_id if info else None
    return state["candidate_id"]


def _is_openapi(handler: BaseRouteHandler) -> bool:
    """Litestar's own schema routes (mounted under /schema) carry no access opt."""
    owner = getattr(handler, "owner", None)
    return getattr(owner, "path", "") == "/schema" and not handler.opt


async def check_access(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    access = handler.opt.get("access")
    roles = handler.opt.get("roles", ())
    if access == "public":
        return
    if access is None and _is_openapi(handler):
        settings = current()
        if settings.openapi_public or not settings.is_production:
            return
        # Not written into handler.opt: that would make the handler look "not OpenAPI" (and be
        # refused to everyone, admins included) from the second request on.
        access, roles = "staff", ("admin",)
    if access == "staff":
        staff = await load_staff(connection)
        if staff is None:
            raise LoginRequired("staff")
        if staff.must_change_password and not handler.opt.get("password_change_ok"):
            raise PasswordChangeRequired()
        if staff.role not in roles:
            raise PermissionDeniedException("Your role does not allow this page.")
        return
    if access == "candidate":
        if await load_candidate_id(connection) is None:
            raise LoginRequired("candidate")
        return
    if isinstance(access, str) and access in EXTRA_CHECKS:
        await EXTRA_CHECKS[access](connection, handler)
        return
    # Deny by default: a route that does not say who may call it is nobody's.
    raise PermissionDeniedException("This route declares no access rule.")
