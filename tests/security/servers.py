"""A real uvicorn process for the security tests: like tests.conftest.LiveServer, with
loopback as its trusted proxy (INTAKE_TRUSTED_PROXIES=127.0.0.1), so a test can play clients
from many addresses through X-Forwarded-For, and a database pool as in production."""

from pathlib import Path

from tests.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[2]


class ProxiedLiveServer(LiveServer):
    def __init__(self, env: dict[str, str], workers: int = 1) -> None:
        super().__init__({"INTAKE_TRUSTED_PROXIES": "127.0.0.1", **env}, workers)

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, no cleanup."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def server_env(**extra: str) -> dict[str, str]:
    # A pool as in production (the test body uses its own connections, in its own process).
    return {"INTAKE_COOKIE_SECURE": "0", "INTAKE_DB_POOL_SIZE": "4", **extra}


class TestProcessPool:
    """A PostgreSQL pool for the test body itself (this process, this event loop), closed at
    the end: without it every factory call opens a connection (INTAKE_DB_POOL_SIZE=0)."""

    async def __aenter__(self) -> "TestProcessPool":
        from piccolo.engine.postgres import PostgresEngine

        from app.db import engine

        self.db = engine()
        self.pooled = isinstance(self.db, PostgresEngine) and self.db.pool is None
        if self.pooled:
            await self.db.start_connection_pool(min_size=1, max_size=4)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.pooled:
            await self.db.close_connection_pool()
