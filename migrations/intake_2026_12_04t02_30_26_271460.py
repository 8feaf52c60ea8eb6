from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date
from piccolo.columns.indexes import IndexMethod


ID = "2026-12-04T02:30:26:271460"
VERSION = "1.38.0"
DESCRIPTION = "an index on anonymous_stat.period: the statistics page reads one period (issue 20)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="intake", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="AnonymousStat",
        tablename="anonymous_stat",
        column_name="period",
        db_column_name="period",
        params={"index": True},
        old_params={"index": False},
        column_class=Date,
        old_column_class=Date,
        schema=None,
    )

    return manager
