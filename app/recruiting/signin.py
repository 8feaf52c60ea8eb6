"""How a candidate comes back: an e-mailed, single-use, expiring sign-in link (no candidate
passwords: nothing to forget, nothing to leak). Tokens are stored as SHA-256 only, in the
Token table, with the purposes below. Also the e-mail-change verification and the one-click
marketing opt-out links."""

import json
from datetime import datetime, timedelta
from typing import Any

from app.config import current
from app.errors import NotFound
from app.i18n import gettext_for
from app.mail import queue
from app.tables import Candidate, Token
from app.tokens import digest, new_token

SIGNIN = "candidate_signin"
EMAIL_VERIFY = "email_verify"
MARKETING_OPTOUT = "marketing_optout"
TTL = {SIGNIN: timedelta(hours=24), EMAIL_VERIFY: timedelta(hours=24)}
# A marketing mail stays in a mailbox; its opt-out link must keep working.
OPTOUT_TTL = timedelta(days=400)
RESEND_AFTER = timedelta(minutes=1)


def normal_email(email: str) -> str:
    return email.strip().lower()


async def issue(
    purpose: str,
    candidate_id: int,
    now: datetime,
    payload: dict[str, Any] | None = None,
    ttl: timedelta | None = None,
) -> str:
    """A new link token (inside the caller's transaction); only its hash is kept."""
    token = new_token()
    await Token.insert(
        Token(
            purpose=purpose,
            token_hash=digest(token),
            candidate=candidate_id,
            payload=json.dumps(payload or {}),
            created_at=now,
            expires_at=now + (ttl or TTL.get(purpose, OPTOUT_TTL)),
        )
    )
    return token


async def live(token: str, purpose: str, now: datetime) -> dict[str, Any]:
    """The unused, unexpired token row, or NotFound (one answer for every failure)."""
    row = await (
        Token.select()
        .where((Token.token_hash == digest(token[:200])) & (Token.purpose == purpose))
        .first()
    )
    if (
        row is None
        or row["candidate"] is None
        or row["expires_at"] <= now
        or (row["used_at"] is not None and purpose != MARKETING_OPTOUT)
    ):
        raise NotFound("This link is no longer valid. Ask for a new one.")
    payload = row["payload"]
    row["payload"] = json.loads(payload) if isinstance(payload, str) else (payload or {})
    return row


async def use(token: str, purpose: str, now: datetime) -> dict[str, Any]:
    """Mark a single-use token used (inside the caller's transaction) and return its row."""
    row = await live(token, purpose, now)
    updated = await (
        Token.update({Token.used_at: now})
        .where((Token.id == row["id"]) & Token.used_at.is_null())
        .returning(Token.id)
    )
    if not updated:
        raise NotFound("This link is no longer valid. Ask for a new one.")
    return row


def link(path: str, token: str) -> str:
    return f"{current().base_url}{path}/{token}"


async def mail_signin_link(candidate: dict[str, Any], now: datetime) -> None:
    """Queue a fresh sign-in link for a known candidate (inside the caller's transaction)."""
    token = await issue(SIGNIN, candidate["id"], now)
    _ = gettext_for(candidate["language"])
    body = _(
        "Hello,\n\nUse this link to open your candidate page. It works once, for 24 hours:\n"
        "%(link)s\n\nIf you did not ask for it, you can ignore this mail."
    ) % {"link": link("/me/signin", token)}
    await queue(candidate["email"], _("Your sign-in link"), body, now)


async def request_signin(email: str, now: datetime) -> None:
    """Mail a link if the e-mail is known; the caller answers the same either way."""
    row = await Candidate.select().where(Candidate.email == normal_email(email)).first()
    if row is None:
        return
    # At most one link a minute per candidate: the form must not become a mail cannon
    # pointed at someone's inbox.
    recent = await Token.exists().where(
        (Token.candidate == row["id"])
        & (Token.purpose == SIGNIN)
        & (Token.created_at > now - RESEND_AFTER)
    )
    if not recent:
        await mail_signin_link(row, now)


async def _link_owner(token: str) -> dict[str, Any] | None:
    """The candidate a sign-in link was mailed to, used or expired alike (until the hourly
    clean-up purges the expired link)."""
    row = await (
        Token.select(Token.candidate)
        .where((Token.token_hash == digest(token[:200])) & (Token.purpose == SIGNIN))
        .first()
    )
    if row is None or row["candidate"] is None:
        return None
    return await Candidate.select().where(Candidate.id == row["candidate"]).first()


async def known_link(token: str) -> bool:
    """Was this sign-in link ever mailed by us (so a new one can go to the same person)?"""
    return await _link_owner(token) is not None


async def request_signin_again(token: str, now: datetime) -> None:
    """A used or expired link asks for a new one (issue 21.3): mailed to the candidate's
    current address, under exactly the limits of asking by e-mail (`request_signin`)."""
    owner = await _link_owner(token)
    if owner is not None:
        await request_signin(owner["email"], now)
