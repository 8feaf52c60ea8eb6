"""`litestar` commands: set up a database, create staff, reset a password or a second
factor."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import click
from litestar.plugins import CLIPlugin

from app.clock import utcnow


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


@click.group(name="staff", help="Staff accounts.")
def staff_group() -> None:
    pass


async def _staff_id(email: str) -> int:
    from app.tables import StaffMember

    row = (
        await StaffMember.select(StaffMember.id)
        .where(StaffMember.email == email.strip().lower())
        .first()
    )
    if row is None:
        raise click.ClickException("no staff member has this e-mail")
    return int(row["id"])


@staff_group.command(name="create", help="Create a staff member and print a one-time password.")
@click.option("--email", required=True)
@click.option("--name", "display_name", default="")
@click.option("--role", type=click.Choice(["admin", "hr", "reception"]), required=True)
def create_staff(email: str, display_name: str, role: str) -> None:
    from app.errors import ValidationFailed
    from app.staff.services import create_staff as create

    try:
        _, one_time = _run(create(email, display_name or email, role, None, utcnow()))
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from exc
    click.echo(f"staff e-mail: {email.strip().lower()}")
    click.echo(f"one-time password: {one_time}")


@staff_group.command(name="reset-password", help="Give a staff member a new one-time password.")
@click.option("--email", required=True)
def reset_password(email: str) -> None:
    from app.staff.services import set_password

    async def go() -> str | None:
        return await set_password(await _staff_id(email), None, utcnow())

    click.echo(f"one-time password: {_run(go())}")


@staff_group.command(
    name="reset-two-factor", help="Turn a staff member's two-factor login off (a lost phone)."
)
@click.option("--email", required=True)
def reset_two_factor(email: str) -> None:
    from app.staff.second_factor import reset_second_factor

    async def go() -> None:
        await reset_second_factor(await _staff_id(email), utcnow())

    _run(go())
    click.echo("two-factor login is off; the password alone logs in until it is turned on again")


@click.command(name="bootstrap", help="Apply migrations; create the first admin if none exists.")
def bootstrap() -> None:
    from app.privacy.notices import ensure_default_notices
    from app.staff.services import ensure_first_admin

    async def go() -> tuple[str, str] | None:
        await migrate()
        await ensure_default_notices(utcnow())
        return await ensure_first_admin(utcnow())

    created = _run(go())
    if created:
        click.echo(f"admin e-mail: {created[0]}")
        click.echo(f"one-time password: {created[1]}")


@click.command(
    name="migrate", help="Apply pending migrations only (deploy/systemd/intake-migrate.service)."
)
def migrate_command() -> None:
    """`bootstrap` without the first admin: a unit that runs before every start must not
    print a new one-time password into the journal."""
    from app.privacy.notices import ensure_default_notices

    async def go() -> None:
        await migrate()
        await ensure_default_notices(utcnow())

    _run(go())


MIGRATION_LOCK = 0x1A7A4D  # "intake" migrations (app/leader.py holds 0x1A7A4E)


@asynccontextmanager
async def _one_migrator() -> AsyncIterator[None]:
    """On PostgreSQL one host migrates at a time: hosts started together (each runs
    deploy/systemd/intake-migrate.service) wait here, then find nothing left to do, instead
    of failing on a table the other just made."""
    from app.config import current

    url = current().database_url
    if not url.startswith("postgres"):
        yield
        return
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        yield
    finally:
        await conn.close()  # the session's end frees the lock


async def migrate() -> None:
    """Apply every pending migration (quietly: Piccolo prints its progress)."""
    async with _one_migrator():
        await _migrate()


async def _migrate() -> None:
    import contextlib
    import io

    from piccolo.apps.migrations.commands.forwards import run_forwards

    from app.schema_check import SchemaMismatch, applied_migration_ids, refuse_legacy

    try:
        refuse_legacy(await applied_migration_ids())
    except SchemaMismatch as exc:
        raise click.ClickException(str(exc)) from exc
    with contextlib.redirect_stdout(io.StringIO()):
        result = await run_forwards("intake")
    if not result.success:
        raise click.ClickException(f"migrations failed: {result.message}")
    from app.db import engine
    from app.tables import COMPOSITE_INDEXES, DROPPED_INDEXES, PARTIAL_INDEXES, UNIQUE_INDEXES

    for table, columns in COMPOSITE_INDEXES:
        await table.create_index(columns, if_not_exists=True)
    db = engine()
    for dropped in DROPPED_INDEXES:
        await db.run_ddl(f"DROP INDEX IF EXISTS {dropped}")
    for name, table_name, column, rows in PARTIAL_INDEXES:  # our constants, no input
        unique = "UNIQUE " if name in UNIQUE_INDEXES else ""
        await db.run_ddl(
            f"CREATE {unique}INDEX IF NOT EXISTS {name} ON {table_name} ({column}) WHERE {rows}"
        )
    from app.privacy.statistics_carry_over import carry_over

    await carry_over()  # once: statistics counted when things happen (issue 20)
    from app.recruiting.sources import ensure_defaults

    await ensure_defaults()  # a first list for "How did you hear about us?" (issue 20.5)
    from app.recruiting import message_templates

    await message_templates.ensure_defaults()  # the three messages to candidates (issue 17.4)


COMMANDS: list[click.Command] = [staff_group, bootstrap, migrate_command]

from app.deploy_check import deploy_check  # noqa: E402 - appended by the security issue (7)

COMMANDS.append(deploy_check)

from app.retention_cli import retention_group  # noqa: E402 - appended by the retention issue (6)

COMMANDS.append(retention_group)

from app.backup_cli import backup, backup_restore  # noqa: E402 - the operators' issue (18.4)

COMMANDS.extend([backup, backup_restore])

from app.cv_move_cli import cv_move_to_db  # noqa: E402 - the operators' issue (18.1)

COMMANDS.append(cv_move_to_db)


class IntakeCLIPlugin(CLIPlugin):
    def on_cli_init(self, cli: click.Group) -> None:
        for command in COMMANDS:
            cli.add_command(command)
