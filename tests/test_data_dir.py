"""The data folder is 0700 and every file in it 0600 (issue 16 item 10): the SQLite database
and its -wal and -shm, the development secret, the scheduler's lock, CV folders and files,
and files left by an earlier version with looser modes. Proven on real processes (the
`litestar bootstrap` command and a uvicorn server) started under umask 022, where SQLite
alone creates its files 0644. Each test has a SQLite database of its own in its data folder,
whichever database the suite runs on: the files are the point."""

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx

from tests.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[1]
LITESTAR = Path(sys.executable).parent / "litestar"


def modes(folder: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.stat().st_mode)
    return found


def loose(found: dict[str, int], folder: Path) -> list[str]:
    return [f"{name}: {mode:o}" for name, mode in sorted(found.items())
            if mode != (0o700 if (folder / name).is_dir() else 0o600)]


def env_for(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LITESTAR_APP", "INTAKE_SECRET_KEY")}
    return {**env, "INTAKE_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data}/intake.sqlite",
            "INTAKE_COOKIE_SECURE": "0", "INTAKE_SCHEDULER": "1"}


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def serve_and_write(env: dict[str, str]) -> dict[str, int]:
    """A server on the folder, one write through it; the modes while it runs (SQLite deletes
    the -wal and -shm when the last connection closes)."""
    with umask(0o022):
        server = LiveServer(env).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            csrf = http.get("/kiosk").cookies["intake_csrf"]
            wrong = http.post("/kiosk/pair", data={"code": "WRONG123", "_csrf_token": csrf})
            assert wrong.status_code == 400  # a failed attempt is counted: a write
        return modes(Path(env["INTAKE_DATA_DIR"]))
    finally:
        server.stop()


def bootstrap(env: dict[str, str]) -> None:
    with umask(0o022):
        done = subprocess.run([str(LITESTAR), "bootstrap"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_new_data_folder_and_everything_intake_puts_in_it_are_for_its_user_only(tmp_path):
    data = tmp_path / "data"
    env = env_for(data)
    bootstrap(env)
    found = serve_and_write(env)
    assert {"intake.sqlite", "intake.sqlite-wal", "intake.sqlite-shm", "secret_key",
            "scheduler.lock"} <= set(found), found
    assert not loose(found, data), loose(found, data)


def loosen(data: Path) -> None:
    for path, mode in ((data, 0o755), (data / "cv", 0o775), (data / "intake.sqlite", 0o644),
                       (data / "cv" / "old-cv.bin", 0o644), (data / "notes.txt", 0o666)):
        path.chmod(mode)


def test_files_and_folders_from_before_are_put_right_at_start_up(tmp_path):
    """By any start: a `litestar` command, and the server."""
    data = tmp_path / "data"
    (data / "cv").mkdir(parents=True)
    with closing(sqlite3.connect(data / "intake.sqlite")) as con:  # an older version's database
        con.execute("CREATE TABLE t (x)")
        con.commit()
    (data / "cv" / "old-cv.bin").write_bytes(b"sealed")
    (data / "notes.txt").write_text("left here")
    env = env_for(data)
    loosen(data)
    bootstrap(env)
    assert not loose(modes(data), data), loose(modes(data), data)
    loosen(data)
    found = serve_and_write(env)
    assert {"intake.sqlite-wal", "cv/old-cv.bin", "notes.txt"} <= set(found), found
    assert not loose(found, data), loose(found, data)
