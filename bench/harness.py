"""The bench's plumbing: sizes from the environment, a throw-away database per run (SQLite file
or a fresh PostgreSQL database on 127.0.0.1:5432), and the server as a real uvicorn process
whose peak RSS is read from /proc."""

import asyncio
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class Sizes:
    """Everything a run does, scaled by BENCH_SCALE (1 = the sizes of issue 8)."""

    scale: float
    duration: float  # seconds of measurement per load phase
    warmup: float
    applications: int
    visits: int
    expired_applications: int
    cv_bytes: int

    @classmethod
    def from_env(cls) -> "Sizes":
        scale = float(os.environ.get("BENCH_SCALE", "1"))
        return cls(
            scale=scale,
            duration=float(os.environ.get("BENCH_DURATION", "8")),
            warmup=float(os.environ.get("BENCH_WARMUP", "1")),
            applications=max(50, int(100_000 * scale)),
            visits=max(100, int(1_000_000 * scale)),
            expired_applications=max(10, int(10_000 * scale)),
            cv_bytes=int(os.environ.get("BENCH_CV_BYTES", str(1024 * 1024))),
        )


def argon2_profile() -> str:
    return os.environ.get("BENCH_ARGON2_PROFILE", "production")


def databases() -> list[str]:
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
    out = [d.strip() for d in wanted if d.strip()]
    if "postgres" in out and not _pg_reachable():
        print("!!! PostgreSQL not reachable on 127.0.0.1:5432: skipping it", flush=True)
        out.remove("postgres")
    return out


def _pg_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=3):
            return True
    except OSError:
        return False


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class Database:
    """A throw-away, migrated Intake database plus the bench's floor table."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.workdir = workdir
        if kind == "postgres":
            self.name = f"intake_bench_{os.getpid()}"
            self.url = f"postgresql://postgres@127.0.0.1:5432/{self.name}"
        else:
            self.path = workdir / "intake.sqlite"
            self.url = f"sqlite:///{self.path}"

    def env(self) -> dict[str, str]:
        # Production's settings, as deployed: templates are not re-read from disk on each
        # render (development stats every template file per page, 4% of a kiosk sign-in).
        # Production insists on Secure cookies; the bench's client sends them over plain HTTP
        # on loopback all the same. Only the smoke test in `make test` (its fast argon2
        # profile, which production refuses) runs as development.
        production = argon2_profile() == "production"
        return {
            "INTAKE_ENV": "production" if production else "development",
            "INTAKE_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789abcdef",
            "INTAKE_DATA_DIR": str(self.workdir / "var"),
            # The production argon2 profile; BENCH_ARGON2_PROFILE=test only for the smoke test.
            "INTAKE_ARGON2_PROFILE": argon2_profile(),
            "INTAKE_SCHEDULER": "0",  # the sweep is started by the bench, not by the clock
            "INTAKE_COOKIE_SECURE": "1" if production else "0",
            "DATABASE_URL": self.url,
            "PYTHONPATH": str(ROOT),
            # Each of B1's tablets sends ~100 sign-ins a second, a lobby's cap (20 in 2
            # minutes, issue 16) many times over: still counted on every sign-in, never met.
            "INTAKE_CAP_KIOSK_SIGN_INS": "1000000000/2m",
        }

    def create(self) -> None:
        if self.kind == "postgres":
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            asyncio.run(_pg_admin(f'CREATE DATABASE "{self.name}"'))
        code = (
            "import asyncio\n"
            "from app.cli import migrate\n"
            "from app.clock import utcnow\n"
            "from app.privacy.notices import ensure_default_notices\n"
            "async def go():\n"
            "    await migrate()\n"
            "    await ensure_default_notices(utcnow())\n"
            "asyncio.run(go())\n"
        )
        subprocess.run(
            [sys.executable, "-c", code],
            env={**clean_environ(), **self.env()},
            cwd=ROOT,
            check=True,
        )
        floor_table = (
            "CREATE TABLE bench_floor (id {pk}, name VARCHAR(200) NOT NULL, at DOUBLE PRECISION)"
        )
        if self.kind == "postgres":
            asyncio.run(self.pg_execute(floor_table.format(pk="SERIAL PRIMARY KEY")))
        else:
            with self.lite() as con:
                con.execute("PRAGMA journal_mode = WAL")
                con.execute(floor_table.format(pk="INTEGER PRIMARY KEY"))

    def drop(self) -> None:
        if self.kind == "postgres":
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    def lite(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        con.execute("PRAGMA foreign_keys = 1")
        con.execute("PRAGMA secure_delete = 1")
        return con

    async def pg(self) -> Any:
        import asyncpg

        return await asyncpg.connect(self.url)

    async def pg_execute(self, sql: str, *args: Any) -> str:
        conn = await self.pg()
        try:
            return str(await conn.execute(sql, *args))
        finally:
            await conn.close()

    def version(self) -> str:
        if self.kind == "postgres":

            async def go() -> str:
                conn = await self.pg()
                try:
                    return str(await conn.fetchval("SHOW server_version"))
                finally:
                    await conn.close()

            return "PostgreSQL " + asyncio.run(go())
        return "SQLite " + sqlite3.sqlite_version


def clean_environ() -> dict[str, str]:
    """The caller's environment without Intake's own settings (the smoke test runs inside the
    test suite, whose settings must not leak into the bench's server)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("INTAKE_", "RETENTION_", "SMTP_")) and k != "DATABASE_URL"
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """`uvicorn bench.server:app`, as `make run` starts Intake, with loopback as the trusted
    proxy (INTAKE_TRUSTED_PROXIES), so each simulated client can come from its own address
    and the rate limits key on it."""

    db: Database
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.db.workdir / "server.log"

    def start(self) -> "Server":
        cmd = [
            sys.executable, "-m", "uvicorn", "bench.server:app", "--host", "127.0.0.1",
            "--port", str(self.port), "--no-access-log", "--no-proxy-headers",
        ]  # fmt: skip
        env = {
            **clean_environ(),
            **self.db.env(),
            "INTAKE_BASE_URL": f"http://127.0.0.1:{self.port}",
            "INTAKE_TRUSTED_PROXIES": "127.0.0.1",
        }
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if b" 200 " in s.recv(100):
                        self._profile()
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start in 60 s")

    def _profile(self) -> None:
        """BENCH_PROFILE=<file>: py-spy samples the server for the whole run (raw stacks), to
        find the cause of a missed target. py-spy is installed by hand, only for this."""
        target = os.environ.get("BENCH_PROFILE")
        if target and self.proc is not None:
            self.profiler = subprocess.Popen(
                ["py-spy", "record", "--pid", str(self.proc.pid), "--format", "raw", "-r", "200",
                 "--nonblocking", "--threads", "-o", f"{target}.{self.db.kind}.txt"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip

    def _status(self, key: str) -> float:
        """A /proc/<pid>/status figure in MB (VmHWM = peak RSS, VmRSS = now)."""
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    def peak_rss_mb(self) -> float:
        return self._status("VmHWM")

    def rss_mb(self) -> float:
        return self._status("VmRSS")

    def reset_peak(self) -> bool:
        """Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so one benchmark's peak can be
        read on its own; B6 keeps the maximum over all of them."""
        assert self.proc is not None
        try:
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def stop(self) -> None:
        profiler = getattr(self, "profiler", None)
        if profiler is not None:
            profiler.send_signal(2)
            profiler.wait(30)
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def machine(db_versions: dict[str, str]) -> dict[str, Any]:
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "memory_mb": mem_kb // 1024,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "databases": db_versions,
        "intake_env": "production" if argon2_profile() == "production" else "development",
    }


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="intake-bench-"))


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
