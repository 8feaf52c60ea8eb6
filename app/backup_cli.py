"""`litestar backup` and `litestar backup-restore` (issue 18.4); see app/backup.py. On
PostgreSQL the tested recipe is pg_dump (docs/operators.md, "Backups")."""

from pathlib import Path

import click

from app.clock import utcnow

PG_RECIPE = "on PostgreSQL use pg_dump as docs/operators.md shows (Backups)"


def _sqlite_path() -> Path:
    from app.config import current
    from app.db import sqlite_path

    settings = current()
    if not settings.is_sqlite:
        raise click.ClickException(PG_RECIPE)
    return Path(sqlite_path(settings.database_url))


@click.command(name="backup", help="SQLite: an online, encrypted copy of the database and CVs.")
@click.option("--to", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def backup(out_dir: Path) -> None:
    from app.backup import BackupError, make_backup
    from app.config import current

    settings = current()
    try:
        path = make_backup(
            _sqlite_path(), Path(settings.data_dir), out_dir, settings.secret_key, utcnow()
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written: {path}")
    click.echo(f"keep it at most {settings.backup_retention_days} days (Art. 30 record)")


@click.command(name="backup-restore", help="SQLite: put a backup in place (Intake stopped).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the existing database.")
def backup_restore(file: Path, force: bool) -> None:
    from app.backup import BackupError, restore_backup
    from app.config import current

    settings = current()
    try:
        restore_backup(file, _sqlite_path(), Path(settings.data_dir), settings.secret_key, force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("restored. Before Intake serves anyone, replay the deletion receipts exported")
    click.echo("before the restore (`litestar retention replay receipts.csv`), then run")
    click.echo("`litestar retention run`.")
