"""Who a sign-in through the company's identity provider lets in, and as what (issue 18.5).

- Staff are matched by e-mail, and only by an e-mail the provider says it has verified
  (email_verified true): an unverified address could be anybody's.
- The role comes from the groups claim through INTAKE_OIDC_ROLE_MAP; no mapped group, no entry.
  The provider is the source of truth: every sign-in sets the role from the groups again, so
  a person moved or removed in the directory has it here at their next sign-in (and a role
  change ends their other sessions, as an admin's change does).
- Unknown staff are created at their first sign-in (just-in-time provisioning) when a group
  maps: the directory already decided they work here. They have no password (sso_only).
- The provider does the second factor: a sign-in through it skips Intake's TOTP step.
- A disabled account stays shut whatever the provider says: an admin's decision here wins."""

from datetime import datetime
from typing import Any

from app.config import current
from app.db import transaction
from app.privacy.audit import SYSTEM, Actor, record
from app.staff.identity_provider import SignInRefused
from app.staff.sessions import close_staff_sessions
from app.tables import StaffMember


def role_for(groups: object) -> str | None:
    """The role of the first mapped group the member is in, in the order of the setting."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list | tuple):
        return None
    member_of = {str(g) for g in groups}
    for group, role in current().identity_provider.role_map:
        if group in member_of:
            return role
    return None


async def admit(claims: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The staff row to open a session for, updated from the claims, in one transaction with
    its audit; SignInRefused says why not."""
    if claims.get("email_verified") is not True:
        raise SignInRefused("unverified")
    email = str(claims.get("email") or "").strip().lower()[:254]
    if "@" not in email:
        raise SignInRefused("unverified")
    role = role_for(claims.get(current().identity_provider.groups_claim))
    known = await StaffMember.select().where(StaffMember.email == email).first()
    if role is None or (known is not None and known["disabled"]):
        if known is not None:  # a refusal names nobody who has no account here
            why = "disabled" if role else "no mapped group"
            await _audit(Actor("staff", known["id"]), "staff.sign_in_refused", known["id"], now,
                         f"identity provider: {why}")  # fmt: skip
        raise SignInRefused("no_role" if role is None else "disabled")
    async with transaction():
        row = await StaffMember.select().where(StaffMember.email == email).first()
        if row is not None and row["disabled"]:  # turned off since the look above
            raise SignInRefused("disabled")
        if row is None:
            row = await _provision(email, str(claims.get("name") or ""), role, now)
        elif row["role"] != role:
            # A new role is a new session (SECURITY.md "Sessions"); the door opens it.
            await close_staff_sessions(row["id"])
            await _audit(
                SYSTEM, "staff.updated", row["id"], now, f"role={role} from the identity provider"
            )
        changes: dict = {StaffMember.role: role, StaffMember.last_login_at: now}
        if current().identity_provider.only:
            changes[StaffMember.sso_only] = True
        await StaffMember.update(changes).where(StaffMember.id == row["id"])
        await _audit(
            Actor("staff", row["id"], role), "staff.signed_in", row["id"], now, "identity provider"
        )
        return {**row, "role": role, "must_change_password": False}


async def _provision(email: str, name: str, role: str, now: datetime) -> dict[str, Any]:
    # No password at all (a login with one checks the dummy hash and fails), and sso_only.
    rows = await StaffMember.insert(
        StaffMember(
            email=email,
            display_name=name.strip()[:120] or email,
            role=role,
            password_hash=None,
            sso_only=True,
            created_at=now,
        )
    ).returning(*StaffMember.all_columns())
    row = dict(rows[0])
    await _audit(SYSTEM, "staff.provisioned", row["id"], now, f"role={role}")
    return row


async def _audit(actor: Actor, action: str, staff_id: int, now: datetime, reason: str) -> None:
    await record(actor, action, now, subject_kind="staff", subject_ref=str(staff_id),
                 reason=reason)  # fmt: skip
