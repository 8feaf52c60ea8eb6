"""Password reset by an e-mailed single-use link (policy: no security questions; issue 16
caps; issue 18.5: accounts that sign in through the identity provider have no password)."""

from datetime import datetime

from app import throttle
from app.config import current
from app.db import transaction
from app.errors import MailCapped, NotFound, ValidationFailed
from app.i18n import gettext_for
from app.mail import queue
from app.staff.passwords import password_problem
from app.staff.services import (
    RESET_TTL,
    SSO_ONLY,
    live_token,
    normal_email,
    password_hasher,
    void_links,
)
from app.staff.sessions import close_staff_sessions
from app.tables import StaffMember, Token
from app.tokens import digest, new_token


async def request_password_reset(
    email: str, now: datetime, client: str = "", language: str = "en"
) -> None:
    """Mail a single-use reset link if the account exists; the answer is the same either way.
    The mail is in the language of the page that asked for it (issue 21 point 8).
    Capped (issue 16): per client, counted for known and unknown addresses alike (a 429
    tells nothing), and per account, silently (the same page, no mail)."""
    email = normal_email(email)[:254]
    caps = current().caps
    await throttle.spend([(throttle.key("reset-client", client), caps.password_reset_client)], now)
    row = await StaffMember.select().where(StaffMember.email == email).first()
    if row is None or row["disabled"]:
        return
    token = new_token()
    async with transaction():
        try:
            account = throttle.key("reset-account", str(row["id"]))
            await throttle.spend([(account, caps.password_reset_account)], now)
        except MailCapped:
            return
        if row["sso_only"]:
            await _mail_no_password(email, language, now)  # the same page either way
            return
        await void_links(row["id"], "password_reset")  # only the newest link works
        await Token.insert(
            Token(
                purpose="password_reset",
                token_hash=digest(token),
                staff=row["id"],
                created_at=now,
                expires_at=now + RESET_TTL,
            )
        )
        link = f"{current().base_url}/console/reset/{token}"
        _ = gettext_for(language)
        await queue(
            email,
            _("Reset your Intake password"),
            _("Open this link within an hour to choose a new password:\n%(link)s\n")
            % {"link": link},
            now,
        )


async def _mail_no_password(email: str, language: str, now: datetime) -> None:
    """An account that signs in through the identity provider has no password to reset: the
    mail says where to sign in instead (issue 18.5)."""
    _ = gettext_for(language)
    label = current().identity_provider.label
    await queue(
        email,
        _("Your Intake sign-in"),
        _(
            "Your account has no Intake password: sign in with the button "
            "'Sign in with %(label)s' on the login page:\n%(link)s\n"
        )
        % {"label": label, "link": f"{current().base_url}/console/login"},
        now,
    )


async def reset_password(token: str, new: str, now: datetime) -> None:
    async with transaction():
        row = await live_token(token, "password_reset", now)
        member = await StaffMember.select().where(StaffMember.id == row.staff).first()
        if member is None:
            raise NotFound("This link is invalid or has expired.")
        if member["sso_only"]:  # a link sent before the account became sso_only
            raise ValidationFailed({"password": SSO_ONLY})
        if problem := password_problem(new, member["email"]):
            raise ValidationFailed({"password": problem})
        await StaffMember.update(
            {
                StaffMember.password_hash: await password_hasher().hash(new),
                StaffMember.must_change_password: False,
            }
        ).where(StaffMember.id == member["id"])
        await Token.update({Token.used_at: now}).where(Token.id == row.id)
        await void_links(member["id"], "password_reset")
        await close_staff_sessions(member["id"])
