"""Shared set-up for the console tests: a signed-in staff member and an open position."""

from app.tables import AuditEvent
from tests.factories import open_position, staff_member
from tests.helpers import csrf_from, login_staff


async def signed_in(client, role: str = "hr") -> int:
    staff_id, email, password = await staff_member(role, email=f"{role}-{id(client)}@example.org")
    response = await login_staff(client, email, password)
    assert response.status_code == 303
    return staff_id


async def post_on(client, page: str, action: str, data: dict):
    """POST to `action` with the CSRF token of `page` (the form the reviewer looked at)."""
    shown = await client.get(page)
    assert shown.status_code == 200, shown.text[:300]
    return await client.post(action, data={**data, "_csrf_token": csrf_from(shown.text)})


async def audit_actions(subject_ref: str | None = None) -> list[str]:
    query = AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)
    if subject_ref is not None:
        query = query.where(AuditEvent.subject_ref == subject_ref)
    return [r["action"] for r in await query]


__all__ = ["audit_actions", "open_position", "post_on", "signed_in"]
