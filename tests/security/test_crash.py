"""Killed mid-write (issue 7 item 4; SECURITY.md "Reliability"): a real server on a database
of its own takes a burst of applications and is killed with SIGKILL in the middle. After a
restart the database passes its integrity check, no application is half-written (each has its
candidate, its CV row and file, its consent records), and the orphan-file job removes every CV
file that has no row (a file written before the transaction that never committed)."""

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATABASE, _pg
from tests.helpers import csrf_from
from tests.security.servers import ProxiedLiveServer, server_env

ROOT = Path(__file__).resolve().parents[2]
BURST = 40


@pytest.fixture
def crash_env(tmp_path):
    env = server_env(INTAKE_DATA_DIR=str(tmp_path / "var"), INTAKE_SCHEDULER="0")
    name = f"intake_crash_{uuid.uuid4().hex[:10]}"
    if DATABASE == "postgres":
        asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    probe("bootstrap", env)
    yield env
    if DATABASE == "postgres":
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def probe(action: str, env: dict[str, str]) -> dict:
    full = {**os.environ, **env, "INTAKE_DB_POOL_SIZE": "0", "PYTHONPATH": str(ROOT)}
    if action == "bootstrap":
        cmd = [sys.executable, "-m", "litestar", "--app", "app.asgi:app", "bootstrap"]
    else:
        cmd = [sys.executable, "-m", "tests.security.crash_probe", action]
    result = subprocess.run(cmd, env=full, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1]) if action != "bootstrap" else {}


def test_kill_9_during_a_burst_of_applications(crash_env):
    slug = probe("setup", crash_env)["slug"]
    server = ProxiedLiveServer(crash_env).start()

    async def attack() -> int:
        pdf = b"%PDF-1.4\n" + os.urandom(200_000) + b"\n%%EOF\n"
        first = asyncio.Event()

        async def one(i: int) -> bool:
            headers = {"x-forwarded-for": f"10.9.{i}.1"}
            async with httpx.AsyncClient(base_url=server.url, timeout=20) as http:
                try:
                    page = await http.get(f"/apply/{slug}", headers=headers)
                    response = await http.post(f"/apply/{slug}", headers=headers, data={
                        "full_name": f"Crash Tester {i}", "email": f"crash{i}@example.org",
                        "consent_m": "true", "consent_n": "true",
                        "_csrf_token": csrf_from(page.text)}, files={"cv": ("cv.pdf", pdf)})
                    if response.status_code == 200:
                        first.set()
                    return response.status_code == 200
                except httpx.HTTPError:
                    return False  # the server died under it

        tasks = [asyncio.create_task(one(i)) for i in range(BURST)]
        # kill as soon as the first applications are through: the rest are mid-flight
        await asyncio.wait_for(first.wait(), 30)
        server.kill()
        return sum(await asyncio.gather(*tasks))

    answered = asyncio.run(attack())
    assert 0 < answered < BURST, f"the kill did not land mid-burst ({answered} of {BURST})"
    # a CV file whose transaction never committed, as a crash between the two would leave
    cv_dir = Path(crash_env["INTAKE_DATA_DIR"]) / "cv"
    cv_dir.mkdir(parents=True, exist_ok=True)
    (cv_dir / f"orphan-{uuid.uuid4().hex}").write_bytes(b"encrypted bytes with no row")

    restarted = ProxiedLiveServer(crash_env).start()  # the app starts again on what was left
    try:
        assert httpx.get(f"{restarted.url}/readyz", timeout=10).status_code == 200
        report = probe("inspect", crash_env)
        assert report["integrity"] == "ok"
        assert report["applications"] >= answered
        for half_written in ("without_cv", "candidates_without_application",
                             "candidates_without_consent", "cv_rows_without_file"):
            assert report[half_written] == [], (half_written, report)
        assert report["files_without_row"], "the planted orphan is not there"
        swept = probe("sweep", crash_env)
        assert swept["removed"] == len(report["files_without_row"])
        after = probe("inspect", crash_env)
        assert after["files_without_row"] == []
        assert after["applications"] == report["applications"]  # no file of a row was removed
        assert after["cv_rows_without_file"] == []
    finally:
        restarted.stop()
