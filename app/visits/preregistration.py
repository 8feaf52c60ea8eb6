"""Pre-registration: reception (or a host through reception) announces a visitor, who gets
an e-mail with a code. At the kiosk the code fills the form, but the privacy notice is still
shown and acknowledged (policy: visitors are informed when they register)."""

from datetime import date, datetime, time, timedelta

import msgspec

from app import dates, throttle
from app.addresses import checked_address
from app.config import current
from app.db import transaction
from app.errors import ValidationFailed
from app.i18n import gettext_for
from app.mail import keep_until
from app.privacy.audit import Actor
from app.tables import ExpectedVisit, OutboxMail
from app.visits import codes
from app.visits.hosts import active_host
from app.visits.local_time import local_date, zone
from app.visits.sites import first_site_id, in_scope, site_scope, site_timezone
from app.visits.visits import PURPOSES, _invitation_row


class Expected(msgspec.Struct):
    visitor_name: str
    visitor_email: str
    host_id: int
    expected_on: date
    company: str = ""
    purpose: str = "meeting"
    # The visitor's language as reception knows it: the invitation mail speaks it (issue 21
    # point 8). Not stored: the kiosk asks the visitor again.
    language: str = "en"
    site_id: int = 0  # where the visitor is expected; 0: the first site (issue 19.5)


class Invitation(msgspec.Struct, frozen=True):
    visitor_name: str
    company: str
    host_name: str
    purpose: str


def site_days(sites: list[dict], now: datetime) -> dict[int, str]:
    """Each site's own today at `now` (ISO), by site id: the desk's default date for an
    invitation to that site, the earliest `preregister` accepts (issue 19.5). Near midnight
    the company's date (INTAKE_TIMEZONE) is another day at an office far from it."""
    return {s["id"]: local_date(now, s["timezone"]).isoformat() for s in sites}


async def preregister(
    data: Expected, staff_id: int | None, now: datetime, actor: Actor | None = None
) -> str:
    """Returns the code (it is also mailed); only its keyed hash is stored. The host must be
    at the site, and the site among `actor`'s (reception announces visitors to its own)."""
    site_id = data.site_id or await first_site_id()
    if actor is not None and not in_scope(await site_scope(actor), site_id):
        raise ValidationFailed({"site_id": "Choose one of the options."})
    if not data.visitor_name.strip():
        raise ValidationFailed({"visitor_name": "This field is required."})
    if data.purpose not in PURPOSES:
        raise ValidationFailed({"purpose": "Choose one of the options."})
    timezone = await site_timezone(site_id)  # the date is the site's own (issue 19.5)
    if data.expected_on < local_date(now, timezone):
        raise ValidationFailed({"expected_on": "Choose today or a later date."})
    checked_address(data.visitor_email, "visitor_email")
    code = codes.new_code(codes.INVITATION_LENGTH)
    async with transaction():
        host = await active_host(data.host_id, site_id)
        # Kept like a visit: erased after the retention period if it is never used.
        day_end = datetime.combine(data.expected_on, time.max, tzinfo=zone(timezone))
        row = ExpectedVisit(
            visitor_name=data.visitor_name.strip(),
            visitor_email=data.visitor_email.strip(),
            company=data.company.strip(),
            purpose=data.purpose,
            host=host["id"],
            expected_on=data.expected_on,
            code_hash=codes.code_hash(code),
            created_by=staff_id,
            created_at=now,
            site=site_id,
            erase_after=day_end + timedelta(days=current().retention.visits_days),
        )
        await row.save()
        _ = gettext_for(data.language)
        # The code also as a QR code, attached when sent (issue 19.9): shown at reception or
        # to a kiosk's camera instead of typed. Cleared with the body once delivered.
        await OutboxMail.insert(OutboxMail(
            to_address=data.visitor_email.strip(), subject=_("Your visit"),
            body=_mail(data, host, code), category="admin", created_at=now,
            erase_after=keep_until(now), qr=code,
        ))  # fmt: skip
    return code


def _mail(data: Expected, host: dict, code: str) -> str:
    _ = gettext_for(data.language)
    return (
        _(
            "Hello %(name)s,\n\n"
            "You are expected on %(date)s by %(host)s.\n"
            'At the reception tablet, choose "I have read this and have an invitation code" and '
            "type: %(code)s\n\n"
            "The tablet will show you our privacy notice for visitors before you sign in.\n"
        )
        % {
            "name": data.visitor_name.strip(),
            "date": dates.day(data.expected_on, data.language),
            "host": host["name"],
            "code": code,
        }
        + "\n"
        + _("The QR code attached to this mail holds the same code.")
        + "\n"
    )


async def invitation(code: str, kiosk_id: int, now: datetime, site_id: int = 0) -> Invitation:
    """What the kiosk shows for a code before the visitor confirms: only an invitation to
    the kiosk's site (issue 19.5). Throttled per kiosk."""
    key = throttle.key("invitation-kiosk", str(kiosk_id))
    await throttle.ensure_allowed([key], now)
    site_id = site_id or await first_site_id()
    row = await _invitation_row(code, now, await site_timezone(site_id))
    if row is None or (row["site"] is not None and row["site"] != site_id):
        await throttle.record_failure(key, throttle.SHORT_CODE, now)
        raise ValidationFailed({"invitation_code": "That invitation code is not valid today."})
    host = (
        await ExpectedVisit.select(ExpectedVisit.host.name)
        .where(ExpectedVisit.id == row["id"])
        .first()
    )
    return Invitation(
        visitor_name=row["visitor_name"],
        company=row["company"],
        host_name=(host or {}).get("host.name") or "",
        purpose=row["purpose"],
    )
