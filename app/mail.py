"""The outbox: mail is written in the same transaction as what caused it, and delivered by
SMTP afterwards (or kept for an admin to read, in development without SMTP). A delivered
mail keeps no body: only its recipient, subject and status, for troubleshooting."""

import asyncio
import contextlib
import io
import logging
import re
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import NamedTuple

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


async def queue_about(
    to: str, subject: str, body: str, now: datetime, *, about: str | None, calendar: str = ""
) -> None:
    """Mail about one application (issue 17.4-5): `about` is its uid, so the mail is erased
    with it whoever it went to (app.privacy.erasure); None only for the interviewers'
    cancellation sent as it is erased, which must outlive it (app.recruiting.erased_interviews);
    `calendar` an iCalendar invitation,
    attached when sent and then cleared with the body. In the caller's transaction."""
    await OutboxMail.insert(
        OutboxMail(
            to_address=to,
            subject=subject[:255],
            body=body,
            category="admin",
            created_at=now,
            erase_after=keep_until(now),
            calendar=calendar,
            about=about,
        )
    )


def keep_until(now: datetime) -> datetime:
    """When a mail queued now is erased (RETENTION_MAIL_DAYS), delivered or not."""
    return now + timedelta(days=current().retention.mail_days)


# After a failed attempt a mail waits BACKOFF[n-1] before its next; after the last it is
# failed and shown to admins on the outbox page. 1 min, 5 min, 30 min, 2 h, 6 h: a passing
# outage at the mail server costs minutes, a mail that can never leave stops after ~9 h.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


class MailServerUnavailable(Exception):
    """The SMTP server could not be reached: no mail is to blame, none is counted."""


class _Connection:
    """One SMTP session for a run, opened at the first mail and again after a failed one
    (a refused mail may leave the session in any state)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings.smtp
        smtp_cls = smtplib.SMTP_SSL if s.port == 465 else smtplib.SMTP
        try:
            smtp = smtp_cls(s.host, s.port, timeout=10)
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailServerUnavailable(type(exc).__name__) from exc
        return smtp

    def send(self, to: str, subject: str, body: str, calendar: str = "", qr: str = "") -> None:
        msg = EmailMessage()  # built first: a bad address fails here, before any connection
        msg["From"] = self.settings.smtp.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg.set_content(body)
        if calendar:
            _attach_invitation(msg, calendar)
        if qr:
            _attach_qr(msg, qr)
        if self.smtp is None:
            self.smtp = self._open()
        try:
            self.smtp.send_message(msg)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


_METHOD = re.compile(r"^METHOD:([A-Z]+)\r?$", re.MULTILINE)


def _attach_qr(msg: EmailMessage, text: str) -> None:
    """`text` as a QR code (segno: DESIGN.md "Libraries first"), a PNG the kiosk's camera or
    reception can read off the visitor's phone (issue 19.9). Imported here, by the outbox:
    2.8 MB of RSS that a server would otherwise carry for nothing (bench B6)."""
    import segno

    png = io.BytesIO()
    segno.make(text, error="m", micro=False).save(png, kind="png", scale=8, border=4)
    msg.add_attachment(png.getvalue(), maintype="image", subtype="png", filename="invitation.png")


def _attach_invitation(msg: EmailMessage, calendar: str) -> None:
    """The invitation as text/calendar with its METHOD (RFC 6047), which is what lets a mail
    client offer to add, update or remove the entry."""
    found = _METHOD.search(calendar)
    msg.add_attachment(
        calendar.encode(),
        maintype="text",
        subtype="calendar",
        filename="invitation.ics",
        params={"method": found.group(1) if found else "REQUEST", "charset": "utf-8"},
    )


class Delivery(NamedTuple):
    """What one delivery run did: mails handed to the server, and failed attempts."""

    sent: int = 0
    failed: int = 0


async def deliver_pending(now: datetime, limit: int = 50) -> Delivery:
    """Send what is due in the outbox, each mail on its own: one that fails, for any reason
    (a bad address stored before addresses were checked, a refusal by the server), waits
    out its backoff while the others go out (issue 16). Without SMTP configured, mail stays
    for the admin's outbox page. Failures are logged by id and exception type only, never
    with the address (SECURITY.md: no personal data in logs)."""
    settings = current()
    if not settings.smtp.host:
        return Delivery()
    rows = await (
        OutboxMail.select(
            OutboxMail.id,
            OutboxMail.to_address,
            OutboxMail.subject,
            OutboxMail.body,
            OutboxMail.attempts,
            OutboxMail.calendar,
            OutboxMail.qr,
        )
        .where(
            OutboxMail.sent_at.is_null()
            & OutboxMail.failed_at.is_null()
            & (OutboxMail.next_attempt_at.is_null() | (OutboxMail.next_attempt_at <= now))
        )
        .order_by(OutboxMail.id)
        .limit(limit)
    )
    connection = _Connection(settings)
    sent = failed = 0
    try:
        for row in rows:
            try:
                await asyncio.to_thread(
                    connection.send,
                    row["to_address"],
                    row["subject"],
                    row["body"],
                    row["calendar"],
                    row["qr"],
                )
            except MailServerUnavailable as exc:
                # Not this mail's fault: the next run tries them all again.
                log.warning("mail server unavailable: %s", exc)
                break
            except Exception as exc:  # noqa: BLE001 - any failure is this mail's alone
                await _attempt_failed(row, type(exc).__name__, now)
                failed += 1
                continue
            # Delivered: the body (a visitor's name, a candidate's sign-in link) is no longer
            # needed here (GDPR Art. 5(1)(c) and (e); policy: erased when no longer needed).
            # What troubleshooting needs stays until erase_after: recipient, subject, status.
            await OutboxMail.update(
                {
                    OutboxMail.sent_at: now,
                    OutboxMail.attempts: row["attempts"] + 1,
                    OutboxMail.body: "",
                    OutboxMail.calendar: "",
                    OutboxMail.qr: "",
                    OutboxMail.next_attempt_at: None,
                }
            ).where(OutboxMail.id == row["id"])
            sent += 1
    finally:
        await asyncio.to_thread(connection.close)
    return Delivery(sent, failed)


async def _attempt_failed(row: dict, error: str, now: datetime) -> None:
    attempts = row["attempts"] + 1
    failed = attempts >= MAX_ATTEMPTS
    log.warning(
        "mail %s not sent (attempt %d%s): %s",
        row["id"],
        attempts,
        ", given up" if failed else "",
        error,
    )
    await OutboxMail.update(
        {
            OutboxMail.attempts: attempts,
            OutboxMail.last_error: error[:255],
            OutboxMail.next_attempt_at: None if failed else now + BACKOFF[attempts - 1],
            OutboxMail.failed_at: now if failed else None,
        }
    ).where(OutboxMail.id == row["id"])


async def failed_count() -> int:
    """Mails that gave up after their last retry (SECURITY.md: "marked failed and shown to
    admins"), for the console home."""
    return await OutboxMail.count().where(OutboxMail.failed_at.is_not_null())


async def outbox_status(limit: int = 100) -> tuple[list[dict], list[dict]]:
    """For the admins' outbox page: the failed mails (newest first), and the latest ones."""
    failed = await (
        OutboxMail.select()
        .where(OutboxMail.failed_at.is_not_null())
        .order_by(OutboxMail.id, ascending=False)
        .limit(limit)
    )
    latest = await OutboxMail.select().order_by(OutboxMail.id, ascending=False).limit(limit)
    return list(failed), list(latest)
