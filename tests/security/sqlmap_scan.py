"""`make security`: Debian's sqlmap against the login, apply and console search forms of a
locally started server (issue 7 item 8). Loopback only and bounded (--batch, level 2, risk 1,
a time budget per target). Exits 1 if sqlmap reports an injection, or cannot run a target.

The server runs on a throw-away SQLite database (or SQLMAP_DATABASE_URL, a scratch database) with loopback as its trusted proxy,
so sqlmap's `xforwardedfor` tamper gives every request its own client address and the
per-client rate limit does not turn the scan into a wall of 429s."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BUDGET = int(os.environ.get("SQLMAP_BUDGET", "240"))  # seconds per target
LEVEL = os.environ.get("SQLMAP_LEVEL", "2")
PASSWORD = "sqlmap scan password 0123"
ADMIN = "scan-admin@example.org"
VULNERABLE = re.compile(r"identified the following injection point|parameter '[^']+' is "
                        r"vulnerable|appears to be '.+?' injectable", re.IGNORECASE)
CLEAN = "do not appear to be injectable"


def start_server(tmp: Path) -> tuple[subprocess.Popen, str, dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "INTAKE_ENV": "development",
           "INTAKE_DATA_DIR": str(tmp / "var"), "INTAKE_COOKIE_SECURE": "0",
           "INTAKE_SECRET_KEY": "sqlmap-scan-secret-key-0123456789-abcdef",
           "INTAKE_ARGON2_PROFILE": "test", "INTAKE_SCHEDULER": "0"}
    # Never the ambient DATABASE_URL: the scan seeds an admin and a position into its database.
    env["DATABASE_URL"] = os.environ.get("SQLMAP_DATABASE_URL", f"sqlite:///{tmp / 'scan.sqlite'}")
    litestar = [sys.executable, "-m", "litestar", "--app", "app.asgi:app"]
    subprocess.run([*litestar, "bootstrap"], env=env, cwd=ROOT, check=True, capture_output=True)
    seed = ("import asyncio\nfrom app.clock import utcnow\n"
            "from app.staff.services import create_staff\n"
            "from app.tables import Position\nfrom tests.factories import open_position\n"
            "async def go():\n"
            f"    await create_staff({ADMIN!r}, 'Scan', 'admin', {PASSWORD!r}, utcnow())\n"
            "    pid = await open_position('Scanner')\n"
            "    slug = (await Position.select().where(Position.id == pid).first())['slug']\n"
            "    print(pid, slug)\n"
            "asyncio.run(go())\n")
    out = subprocess.run([sys.executable, "-c", seed], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    position_id, slug = out.split()
    port = 8700 + os.getpid() % 200
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port",
         str(port), "--no-access-log", "--no-proxy-headers"],
        env={**env, "INTAKE_TRUSTED_PROXIES": "127.0.0.1"}, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return proc, url, {"slug": slug, "position_id": position_id}


def session(url: str) -> tuple[str, str]:
    """A CSRF token (double-submit: the same value as cookie and field) and an admin session."""
    with httpx.Client(base_url=url, follow_redirects=False) as http:
        http.get("/console/login")
        csrf = http.cookies["intake_csrf"]
        login = http.post("/console/login", data={"email": ADMIN,
                                                  "password": PASSWORD, "_csrf_token": csrf})
        assert login.status_code == 303, login.text[:300]
        return csrf, http.cookies["intake_staff"]


def multipart_request(url: str, slug: str, csrf: str, tmp: Path) -> Path:
    boundary = "----sqlmapscanboundary"
    parts = [("full_name", "Ada Scanner"), ("email", "ada.scanner@example.org"),
             ("phone", "+45 11 22 33 44"), ("cover_letter", "Hello"), ("consent_m", "true"),
             ("_csrf_token", csrf)]
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in parts)
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
             f"Content-Type: application/pdf\r\n\r\n%PDF-1.4 scan\r\n--{boundary}--\r\n")
    host = url.removeprefix("http://")
    raw = (f"POST /apply/{slug} HTTP/1.1\r\nHost: {host}\r\n"
           f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
           f"Cookie: intake_csrf={csrf}\r\n\r\n{body}")
    path = tmp / "apply.req"
    path.write_text(raw)
    return path


def run_sqlmap(name: str, args: list[str], tmp: Path) -> str:
    cmd = ["sqlmap", "--batch", f"--level={LEVEL}", "--risk=1", "--tamper=xforwardedfor",
           "--flush-session", f"--output-dir={tmp / 'sqlmap'}", "--disable-coloring",
           "--timeout=10", "--retries=1", *args]
    # A terminal as stdin: with a pipe sqlmap 1.7 reads its targets from stdin and ignores -r.
    _, tty = os.openpty()
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=BUDGET, stdin=tty)
        output = result.stdout + result.stderr
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode(errors="replace") if isinstance(
            exc.stdout, bytes) else (exc.stdout or "")
        output += "\n[budget] time budget reached"
    finally:
        os.close(tty)
    lowered = output.lower()
    if VULNERABLE.search(output):
        verdict = "INJECTION REPORTED"
    elif CLEAN in lowered:
        verdict = "no injection found"
    elif "[budget]" in output:
        verdict = "no injection found before the time budget ran out"
    else:
        verdict = "sqlmap did not finish a test"
    print(f"{name}: {verdict}", flush=True)
    if os.environ.get("SQLMAP_VERBOSE") or verdict == "sqlmap did not finish a test":
        print("\n".join("    " + line for line in output.splitlines()[-25:]), flush=True)
    return verdict


def main() -> int:
    if shutil.which("sqlmap") is None:
        print("sqlmap is not installed (apt-get install -y sqlmap)")
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="intake-sqlmap-"))
    proc, url, seeded = start_server(tmp)
    try:
        csrf, staff = session(url)
        cookie = f"intake_csrf={csrf}; intake_staff={staff}"
        verdicts = [
            run_sqlmap("login form (POST /console/login: email, password)", [
                "-u", f"{url}/console/login", "--method=POST",
                f"--data=email=x%40example.org&password=wrong+password+123&_csrf_token={csrf}",
                f"--cookie=intake_csrf={csrf}", "-p", "email,password"], tmp),
            run_sqlmap("apply form (POST /apply/{slug}: multipart fields)", [
                "-r", str(multipart_request(url, seeded["slug"], csrf, tmp)),
                "--skip=_csrf_token"], tmp),
            run_sqlmap("console search (GET /console/reception/log?q=, as admin)", [
                "-u", f"{url}/console/reception/log?q=ada", f"--cookie={cookie}",
                "-p", "q"], tmp),
            run_sqlmap("console queue filters (GET /console/positions/{id}/applications)", [
                "-u", f"{url}/console/positions/{seeded['position_id']}/applications"
                "?name=ada&stage=received",
                f"--cookie={cookie}", "-p", "name,stage"], tmp),
        ]
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [v for v in verdicts if v in ("INJECTION REPORTED", "sqlmap did not finish a test")]
    print("make security:", "FAILED" if failed else "passed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
