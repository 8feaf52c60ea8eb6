"""Exactly one scheduler among all workers and hosts (PITFALLS: every worker would otherwise run
every job). PostgreSQL: a session-level advisory lock held on a connection of its own; when the
holder dies its connection closes and the lock is free. SQLite: an exclusive file lock beside
the database (one host); the kernel frees it when the process dies."""

import fcntl
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from app.data_dir import make_folder

LOCK_KEY = 0x1A7A4E  # "intake" scheduler


class Leadership:
    def __init__(self, database_url: str, data_dir: str) -> None:
        self.database_url = database_url
        self.lock_path = Path(data_dir) / "scheduler.lock"
        self._fd: int | None = None
        self._conn: Any = None

    @property
    def held(self) -> bool:
        return self._fd is not None or self._conn is not None

    async def try_acquire(self) -> bool:
        if self.held:
            return True
        if self.database_url.startswith("postgres"):
            return await self._try_postgres()
        return self._try_file()

    def _try_file(self) -> bool:
        make_folder(self.lock_path.parent)  # the data folder: 0700 (app.data_dir)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def _try_postgres(self) -> bool:
        import asyncpg

        parts = urlparse(self.database_url)
        try:
            conn = await asyncpg.connect(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 5432,
                user=parts.username or "postgres",
                password=parts.password or None,
                database=parts.path.lstrip("/"),
            )
        except (OSError, asyncpg.PostgresError):
            return False
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
            self._conn = conn
            return True
        await conn.close()
        return False

    async def still_held(self) -> bool:
        """A PostgreSQL restart drops the lock with the connection: notice and step down."""
        if self._conn is None:
            return self._fd is not None
        try:
            await self._conn.fetchval("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - any failure means the lock is gone
            self._conn = None
            return False

    async def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._conn is not None:
            try:
                await self._conn.close()
            finally:
                self._conn = None
