"""The confirmation mail goes through a real SMTP server on loopback (aiosmtpd): the outbox
is delivered, the message carries the sign-in link to the candidate page, and the outbox
keeps no copy of it once sent."""

import os
from email import message_from_bytes

from aiosmtpd.controller import Controller
from litestar.testing import AsyncTestClient

from app.clock import utcnow
from app.config import load_settings, use
from app.mail import deliver_pending
from app.main import create_app
from app.tables import OutboxMail
from tests.conftest import free_port
from tests.portal.support import apply_via_portal, position_slug


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


async def test_confirmation_mail_arrives_over_smtp(notices):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings = load_settings({**os.environ, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                              "SMTP_FROM": "jobs@example.com"})
    try:
        async with AsyncTestClient(app=create_app(settings),
                                   base_url="https://testserver.local") as client:
            response = await apply_via_portal(client, await position_slug("SMTP tester"))
            assert response.status_code == 200
        assert (await deliver_pending(utcnow())).sent == 1
    finally:
        controller.stop()
        use(load_settings())
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["ada@example.org"]
    mail = message_from_bytes(raw)
    assert mail["From"] == "jobs@example.com"
    assert mail["Subject"] == "We received your application"
    body = mail.get_payload(decode=True).decode()
    assert "SMTP tester" in body and "/me/signin/" in body
    kept = await OutboxMail.select().first()
    assert kept["sent_at"] is not None
    # Delivered: the sign-in link is no longer stored, only what troubleshooting needs.
    assert kept["body"] == ""
    assert (kept["to_address"], kept["subject"]) == ("ada@example.org", mail["Subject"])
