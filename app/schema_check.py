"""Whether the database's schema matches the code, so an upgrade cannot half-happen (issue 18).

The server refuses to start on a database whose migrations are behind the code (a kiosk
sign-in would otherwise meet a missing column as a 500), and `litestar bootstrap` refuses a
database that no migration of this code can bring up to date."""

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration

from app.piccolo_app import APP_CONFIG

# The initial migration's name before commit 1997f95. Until the first release that migration
# was regenerated in place, so a database that recorded this name has a schema no later
# migration describes: applying today's initial migration would fail on "table already exists".
LEGACY_INITIAL_IDS = frozenset({"2026-11-24T15:58:55:774240"})

MIGRATE_COMMAND = "litestar bootstrap"


class SchemaMismatch(Exception):
    """The database cannot be used by this code; the message says why and what to run."""


def code_migration_ids() -> list[str]:
    manager = BaseMigrationManager()
    modules = manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    return sorted(manager.get_migration_ids(modules))


async def applied_migration_ids() -> set[str]:
    if not await Migration.table_exists():
        return set()
    return set(await Migration.get_migrations_which_ran(app_name=APP_CONFIG.app_name))


def refuse_legacy(applied: set[str]) -> None:
    legacy = applied & LEGACY_INITIAL_IDS
    if legacy:
        raise SchemaMismatch(
            f"this database was made by a development version of Intake older than the "
            f"initial migration {code_migration_ids()[0]} (it recorded {min(legacy)}); it "
            "cannot be migrated in place: make a new database and move people by hand"
        )


async def check_schema() -> None:
    """Raise SchemaMismatch unless every migration of the code has run, and nothing else."""
    applied = await applied_migration_ids()
    refuse_legacy(applied)
    known = code_migration_ids()
    pending = [m for m in known if m not in applied]
    if pending:
        raise SchemaMismatch(
            f"the database is {len(pending)} migration(s) behind this version of Intake "
            f"(next: {pending[0]}): run `{MIGRATE_COMMAND}` first"
        )
    newer = sorted(applied - set(known))
    if newer:
        raise SchemaMismatch(
            f"the database was migrated by a newer version of Intake ({newer[-1]}): "
            "run that version, or restore a backup made before the upgrade"
        )
