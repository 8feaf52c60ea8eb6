"""Factories: rows built through the same services the app uses, with plain defaults."""

from app.clock import utcnow
from app.staff.services import create_staff

DEFAULT_PASSWORD = "a long enough test password"


async def staff_member(role: str = "admin", email: str | None = None,
                       password: str = DEFAULT_PASSWORD) -> tuple[int, str, str]:
    email = email or f"{role}@example.org"
    staff_id, _ = await create_staff(email, role.title(), role, password, utcnow())
    return staff_id, email, password


# --- visits (kiosk and reception) --------------------------------------------------------


async def host(name: str = "Hanne Host", email: str = "hanne@example.org",
               active: bool = True) -> int:
    from app.visits.hosts import HostFields, create_host

    return await create_host(HostFields(name=name, email=email, active=active))


async def enrolled_kiosk(name: str = "Front desk") -> tuple[int, str]:
    """A kiosk enrolled through its pairing code: (kiosk id, device credential)."""
    from app.visits.kiosks import create_kiosk, enrol

    pairing = await create_kiosk(name, "Lobby", utcnow())
    enrolled = await enrol(pairing.code, "192.0.2.0", utcnow())
    return enrolled.kiosk_id, enrolled.credential
