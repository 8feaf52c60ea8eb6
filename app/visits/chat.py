"""Host notification through a Slack or Microsoft Teams incoming webhook (issue 19, point 7),
per host or per site, beside the e-mail.

A chat channel is read by many, so it gets less than the host's mail: the visitor's first
name, the purpose (as words, in the host's language) and the site. Never the surname, the
company or an address (policy: "only accessible to our employees ... as needed").

A webhook never delays a sign-in: the sign-in only queues a ChatNotice row (in its own
statement or transaction, and only when a webhook is set); the `chat_notices` job sends it,
retries with a growing wait, and gives up after MAX_ATTEMPTS, which admins see on the
Outbox page. The row copies nothing personal: the first name is read from the visit when
it is sent, and the row goes with its visit (CASCADE) or once sent."""

import ipaddress
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from app import webhooks
from app.db import fetch
from app.errors import ValidationFailed
from app.i18n import gettext_for
from app.tables import ChatNotice
from app.visits.host_mail import PURPOSE_LABELS

MAX_ATTEMPTS = 6
BATCH = 50
TIMEOUT_SECONDS = 5.0

# Queued with the visit, only when its host or its site has a webhook. Parameters: created,
# next attempt, the visit's uid (SQLite, after the visit's INSERT) or, in PostgreSQL's single
# statement, from the CTEs `v` (the visit) and `h` (the host) and the site's id.
_WANTED = (
    "(x.chat_webhook <> '' OR EXISTS (SELECT 1 FROM site st WHERE st.id = {site} "
    "AND st.chat_webhook <> ''))"
)
QUEUE = (
    "INSERT INTO chat_notice (visit, created_at, next_attempt_at, attempts, last_error) "  # noqa: S608 - constants joined
    "SELECT v.id, ?, ?, 0, '' FROM visit v JOIN host x ON x.id = v.host WHERE v.uid = ? AND "
    + _WANTED.format(site="v.site")
)
QUEUE_PG_STEP = (
    "c AS (INSERT INTO chat_notice (visit, created_at, next_attempt_at, attempts, last_error) "  # noqa: S608 - constants joined
    "SELECT v.id, ?, ?, 0, '' FROM v, h JOIN host x ON x.id = h.id WHERE "
    + _WANTED.format(site="?")
    + " RETURNING 1)"
)
_DUE = (
    "SELECT c.id, c.attempts, v.visitor_name, v.purpose, h.language, h.chat_webhook AS own, "
    "s.name AS site_name, s.chat_webhook AS site_hook FROM chat_notice c "
    "JOIN visit v ON v.id = c.visit LEFT JOIN host h ON h.id = v.host "
    "LEFT JOIN site s ON s.id = v.site "
    "WHERE c.failed_at IS NULL AND c.next_attempt_at <= ? ORDER BY c.id LIMIT ?"
)
_FAILED = (
    "SELECT c.id, c.created_at, c.attempts, c.last_error, h.name AS host_name, "
    "s.name AS site_name FROM chat_notice c JOIN visit v ON v.id = c.visit "
    "LEFT JOIN host h ON h.id = v.host LEFT JOIN site s ON s.id = v.site "
    "WHERE c.failed_at IS NOT NULL ORDER BY c.id DESC LIMIT 100"
)
_LOOPBACK = {"localhost"}


def checked_webhook(url: str, field: str = "chat_webhook") -> str:
    """An incoming webhook's address: HTTPS (plain HTTP only to this machine, for a local
    relay), no credentials in it. Blank turns the chat off."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise ValidationFailed({field: "Enter the webhook's https:// address."}) from None
    secure = parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host))
    if len(url) > 500 or not parts.hostname or not secure or parts.username or parts.password:
        raise ValidationFailed({field: "Enter the webhook's https:// address."})
    return url


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def message(first_name: str, purpose: str, site: str, language: str) -> str:
    """What the channel reads: first name, purpose in words, site; nothing else."""
    _ = gettext_for(language)
    label = _(PURPOSE_LABELS.get(purpose, "Other"))
    if purpose == "delivery":  # no name at all (issue 19.8)
        return _("A delivery has arrived at %(site)s.") % {"site": site}
    return _("%(name)s has arrived at %(site)s (%(purpose)s).") % {
        "name": first_name, "site": site, "purpose": label,
    }  # fmt: skip


def _wait(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2**attempts, 3600))


async def deliver(now: datetime) -> dict[str, int]:
    """Send what is due; each notice on its own (one failing webhook holds up no other)."""
    rows = await fetch(_DUE, now, BATCH)
    sent = failed = 0
    if not rows:
        return {"chat_sent": sent, "chat_failed": failed}
    async with webhooks.client(TIMEOUT_SECONDS) as http:
        for row in rows:
            hook = row["own"] or row["site_hook"] or ""
            first = (row["visitor_name"] or "").split()
            text = message(first[0] if first else "", row["purpose"], row["site_name"] or "",
                           row["language"] or "en")  # fmt: skip
            # {"text": ...} is what both Slack's and Teams' incoming webhooks read.
            error = await webhooks.post(http, hook, json={"text": text}) if hook else "no webhook"
            if not error:
                await ChatNotice.delete().where(ChatNotice.id == row["id"])
                sent += 1
                continue
            attempts = row["attempts"] + 1
            gave_up = attempts >= MAX_ATTEMPTS or not hook
            await ChatNotice.update({
                ChatNotice.attempts: attempts, ChatNotice.last_error: error[:64],
                ChatNotice.next_attempt_at: now + _wait(attempts),
                ChatNotice.failed_at: now if gave_up else None,
            }).where(ChatNotice.id == row["id"])  # fmt: skip
            failed += 1
    return {"chat_sent": sent, "chat_failed": failed}


async def failures() -> list[dict]:
    """Given-up notices for the admin: when, for whom (host and site), why; no visitor."""
    rows = await fetch(_FAILED)
    for row in rows:  # SQLite gives the text it stored
        if isinstance(row["created_at"], str):
            row["created_at"] = datetime.fromisoformat(row["created_at"])
    return rows
