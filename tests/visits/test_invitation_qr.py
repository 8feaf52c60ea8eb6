"""Pre-registration (issue 19, point 9): the invitation mail carries the invitation's code as a
QR code (segno), delivered through a real SMTP server on loopback; the code is typed at the
kiosk after the notice, as before, and nothing of the QR stays in the outbox once sent."""

import io
from datetime import date
from email import message_from_bytes, policy
from email.message import Message

import segno

from app.clock import utcnow
from app.mail import deliver_pending
from app.tables import OutboxMail
from app.visits import preregistration
from app.visits.local_time import local_date
from tests.factories import host
from tests.test_mail_delivery import inbox  # noqa: F401 - the loopback SMTP fixture


def _png_of(text: str) -> bytes:
    png = io.BytesIO()
    segno.make(text, error="m", micro=False).save(png, kind="png", scale=8, border=4)
    return png.getvalue()


async def test_the_invitation_mail_carries_its_code_as_a_qr_code(inbox, notices):  # noqa: F811
    hanne = await host()
    today: date = local_date(utcnow())
    code = await preregistration.preregister(
        preregistration.Expected(visitor_name="Ivy Invited", visitor_email="ivy@example.org",
                                 host_id=hanne, expected_on=today, language="da"),
        None, utcnow(),
    )  # fmt: skip
    assert (await OutboxMail.select(OutboxMail.qr).first()) == {"qr": code}
    assert (await deliver_pending(utcnow())).sent == 1
    (to, raw), = inbox.messages
    mail: Message = message_from_bytes(raw, policy=policy.default)
    assert to == ["ivy@example.org"] and mail["Subject"] == "Dit besøg"
    parts = {p.get_content_type(): p for p in mail.walk() if not p.is_multipart()}
    body = parts["text/plain"].get_payload(decode=True).decode()
    assert code in body and "QR-koden" in body
    png = parts["image/png"]
    assert png.get_filename() == "invitation.png"
    assert png.get_payload(decode=True) == _png_of(code)  # exactly the code, nothing else
    row = await OutboxMail.select(OutboxMail.qr, OutboxMail.body).first()
    assert row == {"qr": "", "body": ""}  # delivered: nothing of it kept
