"""The outbox: mail is written in the same transaction as what caused it, and delivered by
SMTP afterwards (or kept for an admin to read, in development without SMTP). A delivered
mail keeps no body: only its recipient, subject and status, for troubleshooting."""

import asyncio
import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage

from app.config import Settings, current
from app.db import fetch, transaction
from app.tables import OutboxMail

log = logging.getLogger("intake.mail")


QUEUE = (
    "INSERT INTO outbox_mail (to_address, subject, body, category, created_at, attempts, "
    "last_error, erase_after) VALUES (?, ?, ?, ?, ?, 0, '', ?) RETURNING id"
)


async def queue(to: str, subject: str, body: str, now: datetime, *, category: str = "admin") -> int:
    """Into the outbox, inside the caller's transaction (or one of its own): the mail leaves
    only if what it announces was stored. Constant SQL (app.db.fetch): every kiosk sign-in
    queues one."""
    async with transaction():
        rows = await fetch(QUEUE, to, subject[:255], body, category, now, keep_until(now))
    return int(rows[0]["id"])


def keep_until(now: datetime) -> datetime:
    """When a mail queued now is erased (RETENTION_MAIL_DAYS), delivered or not."""
    return now + timedelta(days=current().retention.mail_days)


def _send_one(settings: Settings, to: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = settings.smtp.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    smtp_cls = smtplib.SMTP_SSL if settings.smtp.port == 465 else smtplib.SMTP
    with smtp_cls(settings.smtp.host, settings.smtp.port, timeout=10) as smtp:
        if settings.smtp.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp.username:
            smtp.login(settings.smtp.username, settings.smtp.password)
        smtp.send_message(msg)


async def deliver_pending(now: datetime, limit: int = 50) -> int:
    """Send what waits in the outbox. Without SMTP configured, mail stays for the admin's
    development outbox page. Failures are counted, never logged with the address."""
    settings = current()
    if not settings.smtp.host:
        return 0
    rows = await (
        OutboxMail.select()
        .where(OutboxMail.sent_at.is_null() & (OutboxMail.attempts < 5))
        .order_by(OutboxMail.id)
        .limit(limit)
    )
    sent = 0
    for row in rows:
        try:
            await asyncio.to_thread(
                _send_one, settings, row["to_address"], row["subject"], row["body"]
            )
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail %s not sent: %s", row["id"], type(exc).__name__)
            await OutboxMail.update(
                {
                    OutboxMail.attempts: row["attempts"] + 1,
                    OutboxMail.last_error: type(exc).__name__,
                }
            ).where(OutboxMail.id == row["id"])
            continue
        # Delivered: the body (a visitor's name, a candidate's sign-in link) is no longer
        # needed here (GDPR Art. 5(1)(c) and (e); policy: erased when no longer needed).
        # What troubleshooting needs stays until erase_after: recipient, subject, status.
        await OutboxMail.update(
            {OutboxMail.sent_at: now, OutboxMail.attempts: row["attempts"] + 1, OutboxMail.body: ""}
        ).where(OutboxMail.id == row["id"])
        sent += 1
    return sent
