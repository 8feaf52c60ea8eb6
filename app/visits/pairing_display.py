"""Showing a new kiosk's pairing code after a redirect (POST-redirect-GET), so a reload of the
page never creates a second kiosk or a second code.

The plain code must reach the GET that follows the POST. It waits in a single-use Token row
(purpose "kiosk_pairing_display") bound to the staff member who made it, living no longer
than the code itself (10 minutes); the first display deletes the row, and with it the only
stored copy of the plain code. The browser holds only a random ticket, of which we keep the
SHA-256. Expired rows go with the daily token housekeeping.

A create form carries a one-time submission id too: the same form sent twice (back button
and resend) creates nothing the second time."""

import json
from datetime import datetime, timedelta
from typing import Any

from app.db import transaction
from app.errors import Conflict
from app.tables import Token
from app.tokens import digest, new_token
from app.visits import kiosks

DISPLAY_PURPOSE = "kiosk_pairing_display"
FORM_PURPOSE = "kiosk_create_form"
ALREADY_SENT = "This form was already sent: the kiosk exists. Make a new pairing code if needed."


async def _hold(pairing: kiosks.Pairing, staff_id: int, now: datetime) -> str:
    ticket = new_token()
    payload = {"kiosk_id": pairing.kiosk_id, "code": pairing.code}
    await Token.insert(
        Token(
            purpose=DISPLAY_PURPOSE,
            token_hash=digest(f"{DISPLAY_PURPOSE}:{ticket}"),
            staff=staff_id,
            payload=json.dumps(payload),
            created_at=now,
            expires_at=pairing.expires_at,
        )
    )
    return ticket


async def _spend_form(submission: str, now: datetime) -> None:
    if not submission:
        return
    token_hash = digest(f"{FORM_PURPOSE}:{submission}")
    if await Token.exists().where(Token.token_hash == token_hash):
        raise Conflict(ALREADY_SENT)
    await Token.insert(
        Token(
            purpose=FORM_PURPOSE,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + timedelta(days=1),
            used_at=now,
        )
    )


async def create_for_display(
    name: str, location: str, submission: str, staff_id: int, now: datetime, site_id: int = 0
) -> str:
    """One transaction: the spent form, the kiosk (at `site_id`, else the first site), its
    code and the display ticket."""
    try:
        async with transaction():
            await _spend_form(submission, now)
            pairing = await kiosks.create_kiosk(name, location, now, site_id)
            return await _hold(pairing, staff_id, now)
    except Exception as exc:
        # two sends of one form raced past the check: the unique hash refused the second
        if type(exc).__name__ in {"IntegrityError", "UniqueViolationError"}:
            raise Conflict(ALREADY_SENT) from None
        raise


async def new_code_for_display(
    kiosk_id: int, staff_id: int, now: datetime, scope: tuple[int, ...] | None
) -> str:
    """`scope`: the sites whose kiosks the staff member may re-pair (site_scope)."""
    async with transaction():
        pairing = await kiosks.new_pairing_code(kiosk_id, now, scope)
        return await _hold(pairing, staff_id, now)


async def take(ticket: str, staff_id: int, now: datetime) -> kiosks.Pairing | None:
    """The code behind `ticket`, once, to the staff member who made it; None afterwards."""
    if not ticket or len(ticket) > 100:
        return None
    async with transaction():
        rows = (
            await Token.delete()
            .where(
                (Token.token_hash == digest(f"{DISPLAY_PURPOSE}:{ticket}"))
                & (Token.purpose == DISPLAY_PURPOSE)
                & (Token.staff == staff_id)
                & (Token.expires_at > now)
            )
            .returning(Token.payload, Token.expires_at)
        )
    if not rows:
        return None
    payload: Any = rows[0]["payload"]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    return kiosks.Pairing(
        kiosk_id=int(payload["kiosk_id"]),
        code=str(payload["code"]),
        expires_at=rows[0]["expires_at"],
    )
