"""An interview's calendar entry (RFC 5545, built with icalendar) and the mails that carry it
(issue 17.5). The candidate's entry and the interviewers' share one UID and SEQUENCE, so a
calendar updates or removes the same entry each time.

Calendars are shared widely, so the interviewers' entry names the position and a reference,
never the candidate (MISSION: no personal data in calendar titles); their mail links to the
application, where the console shows what the consents allow. Their mail and entry still go
with the application on erasure (OutboxMail.about)."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.config import current
from app.dates import moment
from app.i18n import gettext_for

if TYPE_CHECKING:  # imported when an invitation is written: 4.6 MB of RSS otherwise (B6)
    from icalendar import vCalAddress


def reference(application_uid: object) -> str:
    """A short reference for the application, meaningless outside the console."""
    return "A-" + str(application_uid).replace("-", "")[:8].upper()


def _address(email: str, name: str, *, attendee: bool) -> "vCalAddress":
    from icalendar import vCalAddress, vText

    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if attendee:
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("TRUE")
    return address


def calendar(
    interview: dict,
    *,
    method: str,
    summary: str,
    description: str,
    attendees: list[tuple[str, str]],
    now: datetime,
) -> str:
    """One VEVENT in a METHOD:REQUEST or METHOD:CANCEL calendar, times in UTC."""
    from icalendar import Calendar, Event

    settings = current()
    cal = Calendar()
    cal.add("prodid", "-//Intake//Interviews//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", f"{interview['uid']}@intake")
    event.add("sequence", interview["sequence"])
    event.add("dtstamp", now)
    event.add("dtstart", interview["starts_at"])
    event.add("dtend", interview["starts_at"] + timedelta(minutes=interview["minutes"]))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", interview["place"] or interview["video_link"])
    if interview["video_link"]:
        event.add("url", interview["video_link"])
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    sender = settings.smtp.sender or "intake@localhost"
    event.add("organizer", _address(sender, settings.company_name, attendee=False), encode=False)
    for email, name in attendees:
        event.add("attendee", _address(email, name, attendee=True), encode=False)
    cal.add_component(event)
    return cal.to_ical().decode()


def details(interview: dict, language: str) -> str:
    """When, how long and where, in the reader's language and the company's time zone."""
    _ = gettext_for(language)
    lines = [
        _("When: %(time)s, %(minutes)s minutes")
        % {"time": moment(interview["starts_at"], language), "minutes": interview["minutes"]}
    ]
    if interview["place"]:
        lines.append(_("Where: %(place)s") % {"place": interview["place"]})
    if interview["video_link"]:
        lines.append(_("Video link: %(link)s") % {"link": interview["video_link"]})
    return "\n".join(lines)


def candidate_summary(title: str, language: str) -> str:
    _ = gettext_for(language)
    return _("Interview: %(position)s, %(company)s") % {
        "position": title,
        "company": current().company_name,
    }


def interviewer_summary(ref: str, title: str, language: str) -> str:
    """No candidate's name, ever: only the position and the reference."""
    _ = gettext_for(language)
    return _("Interview %(reference)s: %(position)s") % {"reference": ref, "position": title}


def interviewer_body(interview: dict, ref: str, title: str, link: str, language: str) -> str:
    _ = gettext_for(language)
    intro = _("You are invited to interview for %(position)s (application %(reference)s).") % {
        "position": title,
        "reference": ref,
    }
    see = _("The application: %(url)s") % {"url": link}
    return f"{intro}\n\n{details(interview, language)}\n\n{see}"


def cancelled_body(interview: dict, title: str, language: str) -> str:
    _ = gettext_for(language)
    return _("The interview for %(position)s on %(time)s is cancelled.") % {
        "position": title,
        "time": moment(interview["starts_at"], language),
    }


def cancelled_subject(title: str, language: str) -> str:
    _ = gettext_for(language)
    return _("Cancelled: interview for %(position)s") % {"position": title}


def moved_subject(title: str, language: str) -> str:
    _ = gettext_for(language)
    return _("New time: interview for %(position)s") % {"position": title}
