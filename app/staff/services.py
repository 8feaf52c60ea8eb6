"""Staff accounts: login, passwords, invites, roles. Called by the console and the CLI."""

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from app import throttle
from app.addresses import INVALID_ADDRESS, checked_address, is_valid_address
from app.config import STAFF_ROLES, current
from app.db import transaction
from app.errors import Forbidden, NotFound, ValidationFailed
from app.i18n import gettext_for
from app.mail import queue
from app.privacy.audit import Actor, record
from app.staff.passwords import Passwords, password_problem, passwords
from app.staff.sessions import close_staff_sessions, rotate_staff_sessions
from app.tables import StaffMember, Token
from app.tokens import digest, new_token
from app.visits.sites import join_first_site

ROLES = STAFF_ROLES
INVITE_TTL = timedelta(days=3)
RESET_TTL = timedelta(hours=1)
FIRST_ADMIN_EMAIL = "admin@example.com"
SSO_ONLY = "This account signs in only through the company's sign-in, without a password here."


class LoginFailed(Exception):
    """One answer for an unknown e-mail, a wrong password and a disabled account."""


class ProviderOnly(Exception):
    """The right password of an account that signs in only through the company's identity
    provider (sso_only): the page points to its button. Only told to whoever knows the
    password, so it names no account to a stranger (ASVS 6.3.8)."""


def password_hasher() -> Passwords:
    return passwords(current().argon2_profile)


def normal_email(email: str) -> str:
    return email.strip().lower()


async def create_staff(
    email: str, display_name: str, role: str, password: str | None, now: datetime
) -> tuple[int, str | None]:
    """Create a staff member. Without `password` a one-time password is generated and returned;
    the member must choose a new one at first login."""
    if role not in ROLES:
        raise ValidationFailed({"role": "Choose admin, hr or reception."})
    one_time = None
    if password is None:
        one_time = password = secrets.token_urlsafe(15)
    elif problem := password_problem(password, email):
        raise ValidationFailed({"password": problem})
    email = normal_email(checked_address(email))
    if await StaffMember.exists().where(StaffMember.email == email):
        raise ValidationFailed({"email": "A staff member with this e-mail already exists."})
    member = StaffMember(
        email=email,
        display_name=display_name.strip()[:120] or email,
        role=role,
        password_hash=await password_hasher().hash(password),
        must_change_password=one_time is not None,
        created_at=now,
    )
    await member.save()
    if role == "reception":  # works at the first site until an admin says otherwise (Sites)
        await join_first_site(staff_id=int(member.id))
    return int(member.id), one_time


async def ensure_first_admin(now: datetime) -> tuple[str, str] | None:
    """`make run` on an empty database: one admin with a one-time password. No default
    accounts otherwise (SECURITY.md)."""
    if await StaffMember.exists().where(StaffMember.role == "admin"):
        return None
    _, one_time = await create_staff(FIRST_ADMIN_EMAIL, "Administrator", "admin", None, now)
    assert one_time is not None
    return FIRST_ADMIN_EMAIL, one_time


async def authenticate(email: str, password: str, ip_prefix: str, now: datetime) -> dict:
    """The staff row for a correct e-mail and password. Unknown e-mails cost one argon2 verify,
    like wrong passwords (ASVS 6.3.8); failures grow a delay per account and per client."""
    email = normal_email(email)[:254]
    keys = [throttle.key("login-account", email), throttle.key("login-client", ip_prefix)]
    await throttle.ensure_allowed(keys, now)
    row = await StaffMember.select().where(StaffMember.email == email).first()
    ok = await password_hasher().verify(row["password_hash"] if row else None, password[:1024])
    if not ok or row is None or row["disabled"]:
        await throttle.record_failure(keys[0], throttle.LOGIN_ACCOUNT, now)
        await throttle.record_failure(keys[1], throttle.LOGIN_CLIENT, now)
        raise LoginFailed()
    await throttle.clear(keys[:1])
    if row["sso_only"]:
        raise ProviderOnly()
    changes: dict = {StaffMember.last_login_at: now}
    if password_hasher().needs_rehash(row["password_hash"]):
        changes[StaffMember.password_hash] = await password_hasher().hash(password)
    async with transaction():
        await StaffMember.update(changes).where(StaffMember.id == row["id"])
        # Every sign-in is audited, with the way in (a password here, or the provider).
        await record(
            Actor("staff", row["id"], row["role"]),
            "staff.signed_in",
            now,
            subject_kind="staff",
            subject_ref=str(row["id"]),
            reason="password",
        )
    return row


async def change_password(staff_id: int, current_password: str, new: str, now: datetime) -> str:
    """The member's own change. Returns the id of their session, rotated: every other one ends
    (a session opened with the old or a one-time password no longer works)."""
    row = await StaffMember.select().where(StaffMember.id == staff_id).first()
    if row is None:
        raise NotFound()
    if row["sso_only"]:
        raise ValidationFailed({"current_password": SSO_ONLY})
    if not await password_hasher().verify(row["password_hash"], current_password[:1024]):
        raise ValidationFailed({"current_password": "This is not your current password."})
    if problem := password_problem(new, row["email"]):
        raise ValidationFailed({"new_password": problem})
    if new == current_password:
        raise ValidationFailed({"new_password": "Choose a password you have not used here."})
    new_hash = await password_hasher().hash(new)
    async with transaction():
        await StaffMember.update(
            {StaffMember.password_hash: new_hash, StaffMember.must_change_password: False}
        ).where(StaffMember.id == staff_id)
        await void_links(staff_id, "password_reset")
        await record(
            Actor("staff", staff_id),
            "staff.password_changed",
            now,
            subject_kind="staff",
            subject_ref=str(staff_id),
        )
        return await rotate_staff_sessions(staff_id, now)


async def void_links(staff_id: int, purpose: str) -> None:
    """Unused links of `purpose` for this account stop working: a newer reset link voids the
    older ones, and a new password voids them all (issue 16)."""
    await Token.delete().where(
        (Token.staff == staff_id) & (Token.purpose == purpose) & Token.used_at.is_null()
    )


async def set_password(staff_id: int, new: str | None, now: datetime) -> str | None:
    """CLI reset: a given password, or a one-time one that must be changed at next login."""
    row = await StaffMember.select().where(StaffMember.id == staff_id).first()
    if row is None:
        raise NotFound()
    one_time = None
    if new is None:
        one_time = new = secrets.token_urlsafe(15)
    elif problem := password_problem(new, row["email"]):
        raise ValidationFailed({"password": problem})
    async with transaction():
        await StaffMember.update(
            {
                StaffMember.password_hash: await password_hasher().hash(new),
                StaffMember.must_change_password: one_time is not None,
            }
        ).where(StaffMember.id == staff_id)
        await void_links(staff_id, "password_reset")
        await close_staff_sessions(staff_id)
    return one_time


async def invite(actor: Actor, email: str, role: str, now: datetime, language: str = "en") -> str:
    """A single-use, expiring invite link, stored hashed and mailed to the new colleague, in
    the language the admin chose for them (issue 21 point 8)."""
    email = normal_email(email)
    errors = {}
    if role not in ROLES:
        errors["role"] = "Choose admin, hr or reception."
    if not is_valid_address(email):
        errors["email"] = INVALID_ADDRESS
    elif await StaffMember.exists().where(StaffMember.email == email):
        errors["email"] = "A staff member with this e-mail already exists."
    if errors:
        raise ValidationFailed(errors)
    token = new_token()
    async with transaction():
        await _void_invites(email)  # only the newest invitation to an address works
        await Token.insert(
            Token(
                purpose="staff_invite",
                token_hash=digest(token),
                payload={"email": email, "role": role},
                created_at=now,
                expires_at=now + INVITE_TTL,
            )
        )
        link = f"{current().base_url}/console/invite/{token}"
        _ = gettext_for(language)
        body = _("Open this link to join:\n%(link)s\n") % {"link": link}
        await queue(email, _("Your Intake staff account"), body, now)
        await record(actor, "staff.invited", now, subject_kind="staff", reason=role)
    return token


async def _void_invites(email: str) -> None:
    # Invitations name no account yet, only an address in their payload; they are few (an
    # admin sends them by hand), so they are read rather than searched in JSON, which the two
    # databases query differently.
    rows = await Token.select(Token.id, Token.payload).where(
        (Token.purpose == "staff_invite") & Token.used_at.is_null()
    )
    ids = [r["id"] for r in rows if _json(r["payload"]).get("email") == email]
    if ids:
        await Token.delete().where(Token.id.is_in(ids))


async def live_token(token: str, purpose: str, now: datetime) -> Token:
    row = await Token.objects().where(Token.token_hash == digest(token[:200])).first()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= now:
        raise NotFound("This link is invalid or has expired.")
    return row


def _payload(row: Token) -> dict[str, Any]:
    return _json(row.payload)


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


async def invite_details(token: str, now: datetime) -> dict[str, Any]:
    return _payload(await live_token(token, "staff_invite", now))


async def accept_invite(token: str, display_name: str, password: str, now: datetime) -> int:
    async with transaction():
        row = await live_token(token, "staff_invite", now)
        payload = _payload(row)
        errors = {}
        if not display_name.strip():
            errors["display_name"] = "Enter your name."
        if problem := password_problem(password, payload.get("email", "")):
            errors["password"] = problem
        if errors:
            raise ValidationFailed(errors)
        staff_id, _ = await create_staff(
            payload["email"], display_name, payload["role"], password, now
        )
        await Token.update({Token.used_at: now}).where(Token.id == row.id)
    return staff_id


async def update_member(
    actor: Actor,
    staff_id: int,
    role: str,
    disabled: bool,
    now: datetime,
    sso_only: bool | None = None,
) -> None:
    """Set a role, disable an account or turn its password off (`sso_only`: it signs in only
    through the identity provider; None leaves it); every session of that person ends at once."""
    if role not in ROLES:
        raise ValidationFailed({"role": "Choose admin, hr or reception."})
    if staff_id == actor.id and (disabled or role != "admin"):
        raise Forbidden("You cannot remove your own admin access.")
    async with transaction():
        row = await StaffMember.select().where(StaffMember.id == staff_id).first()
        if row is None:
            raise NotFound()
        sso_only = row["sso_only"] if sso_only is None else sso_only
        await StaffMember.update(
            {StaffMember.role: role, StaffMember.disabled: disabled, StaffMember.sso_only: sso_only}
        ).where(StaffMember.id == staff_id)
        # A password turned off also ends the sessions it opened (issue 18.5).
        if row["role"] != role or row["disabled"] != disabled or (sso_only and not row["sso_only"]):
            await close_staff_sessions(staff_id)
        reason = f"role={role} disabled={disabled}"
        await record(
            actor,
            "staff.updated",
            now,
            subject_kind="staff",
            subject_ref=str(staff_id),
            reason=reason + (" sso_only" if sso_only else ""),
        )
