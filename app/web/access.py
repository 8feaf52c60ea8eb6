"""Who may call a route. Every handler declares it with `opt=`; a handler that does not is
refused by `app.web.guards.check_access` (deny by default, SECURITY.md "Requests")."""

from typing import Any

STAFF_ROLES = ("admin", "hr", "reception")


def public() -> dict[str, Any]:
    return {"access": "public"}


def staff(*roles: str) -> dict[str, Any]:
    """Staff with one of `roles` (any staff role when none is given)."""
    return {"access": "staff", "roles": tuple(roles) or STAFF_ROLES}


def staff_pending_password() -> dict[str, Any]:
    """Staff who still must choose a new password may reach these (change password, logout)."""
    return {"access": "staff", "roles": STAFF_ROLES, "password_change_ok": True}


def candidate() -> dict[str, Any]:
    return {"access": "candidate"}


def kiosk() -> dict[str, Any]:
    return {"access": "kiosk"}
