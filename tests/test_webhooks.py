"""app/webhooks.py, the one way the host's chat notice and the HR system hand-off post: httpx
is loaded only when something is posted (bench B6: 7 MB of RSS per worker otherwise), no
redirect is followed, and a failure reads as a status or an exception's type only."""

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app import webhooks

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import asyncio, socket, sys
sys.path.insert(0, {root!r})
import app.main, app.recruiting.handover, app.visits.chat, app.webhooks
assert "httpx" not in sys.modules, "httpx loaded at import"
with socket.socket() as s:  # a port that nobody listens on
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]

async def once():
    async with app.webhooks.client(2.0) as http:
        return await app.webhooks.post(http, f"http://127.0.0.1:{{port}}/", json={{}})

print(asyncio.run(once()), "httpx" in sys.modules)
"""


def test_httpx_is_loaded_only_when_something_is_posted() -> None:
    script = PROBE.format(root=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ConnectError", "True"]


@pytest.fixture
def receiver() -> Iterator[str]:
    """Answers /ok with 204, /broken with 500 and /moved with a redirect to /ok."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            status = {"/ok": 204, "/broken": 500, "/moved": 302}[self.path]
            self.send_response(status)
            if status == 302:
                self.send_header("location", "/ok")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


async def test_a_post_is_taken_refused_or_not_followed(receiver: str) -> None:
    async with webhooks.client(5.0) as http:
        assert await webhooks.post(http, f"{receiver}/ok", json={"text": "hi"}) == ""
        assert await webhooks.post(http, f"{receiver}/broken", content=b"{}") == "HTTP 500"
        # A redirect would send the body to an address nobody checked.
        assert await webhooks.post(http, f"{receiver}/moved", content=b"{}") == "HTTP 302"
