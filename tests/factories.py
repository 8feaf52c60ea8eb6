"""Factories: rows built through the same services the app uses, with plain defaults."""

from app.clock import utcnow
from app.staff.services import create_staff

DEFAULT_PASSWORD = "a long enough test password"


async def staff_member(role: str = "admin", email: str | None = None,
                       password: str = DEFAULT_PASSWORD) -> tuple[int, str, str]:
    email = email or f"{role}@example.org"
    staff_id, _ = await create_staff(email, role.title(), role, password, utcnow())
    return staff_id, email, password
