"""The host's mail when their visitor arrives (issue 19, point 7): in the host's own language
(host.language), the purpose as a word, not a stored value.

The kiosk's one-statement sign-in (visits._sign_in_at_once) writes the mail before it has
read the host's row, so it is made in both languages and the database picks by the host's
language (IN_HOST_LANGUAGE). A chat channel, if one is ever added, must get less than this
mail: the first name, the purpose and the place, never surname, company or e-mail."""

from datetime import datetime

from app.config import current
from app.i18n import gettext_for
from app.visits.local_time import local_time

PURPOSE_LABELS = {
    "meeting": "Meeting",
    "interview": "Job interview",
    "delivery": "Delivery",
    "maintenance": "Maintenance or repair",
    "event": "Event",
    "other": "Other",
}
# The host's language picks one of two versions (the offered languages, English first).
IN_HOST_LANGUAGE = "CASE WHEN h.language = ? THEN ? ELSE ? END"


def host_mail(
    name: str, company: str, purpose: str, now: datetime, language: str
) -> tuple[str, str]:
    """Subject and body in `language`. A delivery names only its company (issue 19.8)."""
    _ = gettext_for(language)
    if purpose == "delivery":
        body = _("A delivery from %(company)s arrived for you at reception at %(time)s.") % {
            "company": company,
            "time": local_time(now),
        }
        return _("A delivery has arrived for you"), body + "\n"
    visitor = f"{name} ({company})" if company else name
    body = _("%(visitor)s has signed in at reception at %(time)s and is waiting for you.") % {
        "visitor": visitor,
        "time": local_time(now),
    }
    label = _(PURPOSE_LABELS.get(purpose, "Other"))
    body += "\n\n" + _("Purpose: %(purpose)s") % {"purpose": label} + "\n"
    return _("Your visitor has arrived"), body


def other_language() -> str:
    """The language besides the first that a host may read their mail in."""
    languages = current().languages
    return languages[1] if len(languages) > 1 else languages[0]


def in_host_language_args(
    name: str, company: str, purpose: str, now: datetime
) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    """IN_HOST_LANGUAGE's values for the subject and for the body."""
    other = other_language()
    first = current().languages[0]
    subject_o, body_o = host_mail(name, company, purpose, now, other)
    subject_f, body_f = host_mail(name, company, purpose, now, first)
    return (other, subject_o, subject_f), (other, body_o, body_f)
