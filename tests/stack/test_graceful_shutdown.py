"""SIGTERM (systemd's stop, a deploy) lets a request that is running finish (issue 18.2): the
server started by deploy/serve, with two workers as in production, gets SIGTERM while a form is
half sent; the rest of the form arrives after the shutdown has begun, and the answer still
comes, before the server exits cleanly.

"In flight" is proven, not timed: the request carries `Expect: 100-continue`, and uvicorn
sends 100 Continue only when the app asks for the body. The shutdown is seen in uvicorn's own
log line before the rest is sent."""

import signal
import socket
import time

import pytest

from tests.stack.served import ServedApp

pytestmark = pytest.mark.stack


def wait_for(predicate, what: str, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_running_request_finishes_after_sigterm(notices):
    server = ServedApp({"INTAKE_COOKIE_SECURE": "0"}, workers=2)
    server.env["INTAKE_SHUTDOWN_GRACE"] = "20"
    server.start()
    try:
        body = b"email=hr%40example.org&password=not-the-password"
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
            conn.sendall(
                b"POST /console/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Expect: 100-continue\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
            )
            assert conn.recv(100).startswith(b"HTTP/1.1 100")  # the app is reading the body

            assert server.proc is not None
            server.proc.send_signal(signal.SIGTERM)  # the supervisor, as systemd does
            wait_for(
                lambda: "Waiting for connections to close" in server.output(),
                "the workers to begin their shutdown",
            )
            conn.sendall(body)
            answer = conn.recv(65536)
        # No CSRF token: the app's own refusal, a whole answer, not a dropped connection.
        assert answer.startswith(b"HTTP/1.1 403"), answer[:300]
        assert server.proc.wait(30) == 0, server.output()
    finally:
        server.stop()
