"""Data step after 2026-12-04T07:38:45 (issue 19, point 5): existing data moves to a first
site, named by INTAKE_FIRST_SITE_NAME, with INTAKE_TIMEZONE and INTAKE_END_OF_DAY.

Every step only fills what is still empty (no site yet, a host or a reception member with no
site), so a run that stops half-way simply continues when run again, and a second run
changes nothing. Visitor notices stay shared by every site (site NULL). Backwards there is
nothing to undo: the columns and tables go with the schema step."""

from datetime import UTC, datetime

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-04T07:38:46:000000"
VERSION = "1.38.0"
DESCRIPTION = "existing kiosks, hosts, visits, invitations and reception staff to the first site"

_FIRST = "(SELECT min(id) FROM site)"
_STEPS = (
    f"UPDATE kiosk SET site = {_FIRST} WHERE site IS NULL",
    f"UPDATE visit SET site = {_FIRST} WHERE site IS NULL",
    f"UPDATE expected_visit SET site = {_FIRST} WHERE site IS NULL",
    f"INSERT INTO host_site (host, site) SELECT h.id, {_FIRST} FROM host h "
    "WHERE NOT EXISTS (SELECT 1 FROM host_site hs WHERE hs.host = h.id)",
    f"INSERT INTO staff_site (staff, site) SELECT s.id, {_FIRST} FROM staff_member s "
    "WHERE s.role = 'reception' AND NOT EXISTS (SELECT 1 FROM staff_site x WHERE x.staff = s.id)",
)


class Site(Table, tablename="site"):
    pass


async def _move_to_first_site() -> None:
    from app.config import load_settings

    settings = load_settings(check=False)
    await Site.raw(
        "INSERT INTO site (name, address, timezone, end_of_day, created_at) "
        "SELECT {}, '', {}, {}, {} WHERE NOT EXISTS (SELECT 1 FROM site)",
        settings.first_site_name, settings.timezone, settings.end_of_day, datetime.now(UTC),
    )  # fmt: skip
    for step in _STEPS:
        await Site.raw(step)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="intake", description=DESCRIPTION)
    manager.add_raw(_move_to_first_site)
    return manager
