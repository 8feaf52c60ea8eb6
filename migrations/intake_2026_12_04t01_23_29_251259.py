from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod


ID = "2026-12-04T01:23:29:251259"
VERSION = "1.38.0"
DESCRIPTION = "anonymous_stat.detail: a second category (issue 20)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="intake", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="AnonymousStat",
        tablename="anonymous_stat",
        column_name="detail",
        db_column_name="detail",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
