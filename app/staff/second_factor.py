"""Two-factor login (TOTP) use cases: the ticket between the password and the code, and
turning it on and off (SECURITY.md: admins can enable TOTP)."""

from datetime import datetime, timedelta
from typing import Any

from app import once, throttle
from app.db import transaction
from app.errors import NotFound, ValidationFailed
from app.privacy.audit import SYSTEM, Actor, record
from app.staff import totp, totp_secrets
from app.staff.services import live_token, password_hasher
from app.staff.sessions import close_staff_sessions, rotate_staff_sessions
from app.tables import StaffMember, Token
from app.tokens import digest, new_token

SECOND_FACTOR_TTL = timedelta(minutes=5)
TOTP_STEP = "totp_step"
# A code is accepted one step before and after its own: at most 90 s; kept a little longer.
CODE_LIFETIME = timedelta(seconds=4 * totp.STEP)


async def start_second_factor(staff_id: int, now: datetime) -> str:
    """After a correct password for an account with TOTP: a short-lived, single-use ticket
    that only the code page accepts. No session exists until the code is right."""
    token = new_token()
    await Token.insert(
        Token(
            purpose="login_second_factor",
            token_hash=digest(token),
            staff=staff_id,
            created_at=now,
            expires_at=now + SECOND_FACTOR_TTL,
        )
    )
    return token


async def finish_second_factor(ticket: str, code: str, now: datetime) -> dict[str, Any]:
    """The code step of a login: one transaction, and a wrong or replayed code counted
    against the account after its rollback (inside it, the count would be rolled back too)."""
    throttle_key = ""
    try:
        async with transaction():
            row = await live_token(ticket, "login_second_factor", now)
            member = await StaffMember.select().where(StaffMember.id == row.staff).first()
            if member is None or member["disabled"] or not member["totp_secret"]:
                raise NotFound("This link is invalid or has expired.")
            throttle_key = throttle.key("totp", str(member["id"]))
            await throttle.ensure_allowed([throttle_key], now)
            secret = totp_secrets.unseal(member["totp_secret"], member["id"])
            step = totp.matching_step(secret, code, now) if secret else None
            if step is None:
                raise ValidationFailed({"code": "This code is not right. Try the newest one."})
            # Seen over a shoulder or in a proxy's log, a code must not log in a second time
            # while it is still valid (RFC 6238 5.2).
            if not await once.first_time(
                TOTP_STEP, f"{member['id']}:{step}", now, CODE_LIFETIME, member["id"]
            ):
                raise ValidationFailed(
                    {"code": "This code was used already. Wait for the next one."}
                )
            await Token.update({Token.used_at: now}).where(Token.id == row.id)
            await throttle.clear([throttle_key])
    except ValidationFailed:
        if throttle_key:
            await throttle.record_failure(throttle_key, throttle.SHORT_CODE, now)
        raise
    return member


async def enable_totp(
    staff_id: int, secret: str, code: str, password: str, current_code: str, now: datetime
) -> str:
    """Turn two-factor login on, or replace its key. Both need the password; replacing also
    needs a code from the key in use (issue 16, point 7; ASVS 7.5.1: full re-authentication
    before a change to how one logs in). Returns the member's session id, rotated: every
    other session of the account ends."""
    member = await _reauthenticated(staff_id, password, current_code, now)
    if not totp.verify(secret, code, now):
        raise ValidationFailed({"code": "This code is not right. Try the newest one."})
    sealed = totp_secrets.seal(secret, staff_id)
    action = "staff.totp_replaced" if member["totp_secret"] else "staff.totp_enabled"
    async with transaction():
        await StaffMember.update({StaffMember.totp_secret: sealed}).where(
            StaffMember.id == staff_id
        )
        await _audit(Actor("staff", staff_id), action, staff_id, now)
        return await rotate_staff_sessions(staff_id, now)


async def disable_totp(staff_id: int, password: str, current_code: str, now: datetime) -> str:
    """Turn two-factor login off: the password and a current code. Returns the rotated
    session id; every other session of the account ends."""
    await _reauthenticated(staff_id, password, current_code, now)
    async with transaction():
        await StaffMember.update({StaffMember.totp_secret: None}).where(StaffMember.id == staff_id)
        await _audit(Actor("staff", staff_id), "staff.totp_disabled", staff_id, now)
        return await rotate_staff_sessions(staff_id, now)


async def _reauthenticated(
    staff_id: int, password: str, current_code: str, now: datetime
) -> dict[str, Any]:
    """The member's row once they proved both factors again: the password, and while a key
    is in use a fresh code from it (spent, like a login's; wrong ones are counted)."""
    row = await StaffMember.select().where(StaffMember.id == staff_id).first()
    if row is None or not await password_hasher().verify(row["password_hash"], password[:1024]):
        raise ValidationFailed({"password": "This is not your current password."})
    if not row["totp_secret"]:
        return row
    key = throttle.key("totp", str(staff_id))
    await throttle.ensure_allowed([key], now)
    secret = totp_secrets.unseal(row["totp_secret"], staff_id)
    step = totp.matching_step(secret, current_code, now) if secret else None
    if step is None:
        await throttle.record_failure(key, throttle.SHORT_CODE, now)
        raise ValidationFailed(
            {"current_code": "This code is not right. Type the newest one from your app."}
        )
    if not await once.first_time(TOTP_STEP, f"{staff_id}:{step}", now, CODE_LIFETIME, staff_id):
        raise ValidationFailed(
            {"current_code": "This code was used already. Wait for the next one."}
        )
    await throttle.clear([key])
    return row


async def reset_second_factor(staff_id: int, now: datetime) -> None:
    """From the command line (a lost phone, or secrets sealed under a secret key that has
    changed): two-factor off and every session of the account closed, audited as the system.
    The member turns it on again from the console."""
    async with transaction():
        rows = await (
            StaffMember.update({StaffMember.totp_secret: None})
            .where(StaffMember.id == staff_id)
            .returning(StaffMember.id)
        )
        if not rows:
            raise NotFound()
        await close_staff_sessions(staff_id)
        await _audit(SYSTEM, "staff.totp_reset", staff_id, now, reason="command line")


async def _audit(actor: Actor, action: str, staff_id: int, now: datetime, reason: str = "") -> None:
    await record(actor, action, now, subject_kind="staff", subject_ref=str(staff_id), reason=reason)
