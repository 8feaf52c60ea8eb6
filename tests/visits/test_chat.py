"""Host notification through a Slack or Teams incoming webhook (issue 19, point 7): a real
HTTP sink on loopback receives the visitor's first name, the purpose in the host's language
and the site, and never the surname, the company or an address; the sign-in only queues,
a job sends, retries with a growing wait, and admins see what was given up."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.clock import utcnow
from app.errors import ValidationFailed
from app.privacy.notices import current_notice
from app.tables import ChatNotice, Host, Site, Visit
from app.visits import chat, visits
from app.visits.chat import checked_webhook
from app.visits.sites import first_site_id
from tests.factories import enrolled_kiosk, host, staff_member
from tests.helpers import login_staff


class Sink:
    """An incoming webhook on 127.0.0.1 that keeps what it receives and answers `status`."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                sink.received.append(json.loads(self.rfile.read(length)))
                self.send_response(sink.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sink():
    s = Sink()
    yield s
    s.close()


async def _sign_in(host_id: int, name: str, submission: str, kiosk_id: int | None) -> None:
    notice = await current_notice("visitor", "en")
    await visits.sign_in(visits.SignIn(
        visitor_name=name, host_id=host_id, purpose="meeting", language="en",
        notice_id=notice.id, company="Secret Corp", submission=submission,
    ), kiosk_id, utcnow())  # fmt: skip


async def test_the_channel_gets_first_name_purpose_and_site_only(sink, notices):
    await Site.update({Site.chat_webhook: sink.url}).where(Site.id == await first_site_id())
    hanne = await host()
    await Host.update({Host.language: "da"}).where(Host.id == hanne)
    kiosk_id, _ = await enrolled_kiosk()
    await _sign_in(hanne, "Ann Visitorsen", "one", kiosk_id)  # the kiosk's one statement
    await _sign_in(hanne, "Bo Besøgsen", "", None)  # the general transaction
    # The sign-in only queued: nothing was posted while the visitor waited.
    assert await ChatNotice.count() == 2 and sink.received == []
    assert await chat.deliver(utcnow()) == {"chat_sent": 2, "chat_failed": 0}
    texts = [m["text"] for m in sink.received]
    assert texts == ["Ann er ankommet til Main office (Møde).",
                     "Bo er ankommet til Main office (Møde)."]  # fmt: skip
    for text in texts:
        for secret in ("Visitorsen", "Besøgsen", "Secret", "Corp", "@", "hanne"):
            assert secret not in text
    assert await ChatNotice.count() == 0  # nothing kept once sent
    assert await chat.deliver(utcnow()) == {"chat_sent": 0, "chat_failed": 0}


async def test_a_hosts_own_webhook_comes_first_and_no_webhook_queues_nothing(sink, notices):
    plain = await host("Paul Plain", "paul@example.org")
    await _sign_in(plain, "Ann Visitor", "a", None)
    assert await ChatNotice.count() == 0  # neither the host nor the site has one
    own = await host("Olga Own", "olga@example.org")
    await Host.update({Host.chat_webhook: sink.url}).where(Host.id == own)
    await _sign_in(own, "Cleo Visitor", "b", None)
    await chat.deliver(utcnow())
    assert [m["text"] for m in sink.received] == ["Cleo has arrived at Main office (Meeting)."]


async def test_a_failing_webhook_is_retried_with_a_growing_wait_then_shown_to_admins(
    sink, notices, client
):
    sink.status = 500
    hanne = await host()
    await Host.update({Host.chat_webhook: sink.url}).where(Host.id == hanne)
    await _sign_in(hanne, "Ann Visitor", "one", None)
    assert await Visit.count() == 1  # the sign-in itself was not held up
    now = utcnow()
    waits = []
    for _ in range(chat.MAX_ATTEMPTS):
        assert (await chat.deliver(now))["chat_failed"] == 1
        row = await ChatNotice.select().first()
        waits.append(row["next_attempt_at"] - now)
        assert (await chat.deliver(now)) == {"chat_sent": 0, "chat_failed": 0}  # not yet due
        now = row["next_attempt_at"]
    assert waits == sorted(waits) and waits[0] < waits[-1]
    row = await ChatNotice.select().first()
    assert row["failed_at"] is not None and row["last_error"] == "HTTP 500"
    assert row["attempts"] == chat.MAX_ATTEMPTS
    assert (await chat.deliver(now + timedelta(days=1)))["chat_failed"] == 0  # given up
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    page = await client.get("/console/outbox")
    assert 'class="failed-chat"' in page.text and "Hanne Host" in page.text
    assert "Ann Visitor" not in page.text.split('id="chat-failures"')[1].split("</section>")[0]
    # Erasing the visit erases its notice (nothing outlives its owner).
    await Visit.delete(force=True)
    assert await ChatNotice.count() == 0


def test_only_https_webhooks_or_this_machine_are_accepted():
    assert checked_webhook(" https://hooks.slack.com/services/T/B/x ") == (
        "https://hooks.slack.com/services/T/B/x"
    )
    assert checked_webhook("http://127.0.0.1:9000/relay") == "http://127.0.0.1:9000/relay"
    assert checked_webhook("") == ""
    for bad in ("http://hooks.slack.com/x", "ftp://x.org/", "https://user:pw@x.org/",
                "not a url", "https://"):  # fmt: skip
        with pytest.raises(ValidationFailed):
            checked_webhook(bad)
