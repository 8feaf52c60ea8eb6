"""The host's mail when their visitor arrives (issue 19, point 7): in the host's own language
(host.language), the purpose as a word, not a stored value.

The kiosk's one-statement sign-in (visits._sign_in_at_once) writes the mail before it has
read the host's row, so it is made in both languages and the database picks by the host's
language (IN_HOST_LANGUAGE). The chat channel (app.visits.chat) gets less than this
mail: the first name, the purpose and the place, never surname, company or e-mail."""

from datetime import datetime

from app import dates
from app.config import current
from app.i18n import gettext_for

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
    name: str,
    company: str,
    purpose: str,
    now: datetime,
    language: str,
    timezone: str = "",
    site: str = "",
) -> tuple[str, str]:
    """Subject and body in `language`, the time on the site's clock (`timezone`, its own;
    else the company's) with its zone ("09:15 CET"), and the site's name (`site`, given only
    when the company has more than one): a host with offices in two zones knows which."""
    return _worded(purpose, _facts(name, company, now, timezone, site), language)


def _facts(
    name: str, company: str, now: datetime, timezone: str, site: str
) -> dict[str, str | datetime]:
    """What the mail says in every language: who, where and when."""
    visitor = f"{name} ({company})" if company else name
    return {"visitor": visitor, "company": company, "site": site, "now": now, "zone": timezone}


def _worded(purpose: str, facts: dict, language: str) -> tuple[str, str]:
    _ = gettext_for(language)
    # The app's one way to write a time: the language's clock and the zone's abbreviation.
    facts = facts | {"time": dates.clock(facts["now"], language, facts["zone"] or None)}
    where = "\n\n" + _("Site: %(site)s") % facts if facts["site"] else ""
    if purpose == "delivery":  # names only its company (issue 19.8)
        body = _("A delivery from %(company)s arrived for you at reception at %(time)s.") % facts
        return _("A delivery has arrived for you"), body + where + "\n"
    body = _("%(visitor)s has signed in at reception at %(time)s and is waiting for you.") % facts
    label = _(PURPOSE_LABELS.get(purpose, "Other"))
    body += where + "\n\n" + _("Purpose: %(purpose)s") % {"purpose": label} + "\n"
    return _("Your visitor has arrived"), body


def other_language() -> str:
    """The language besides the first that a host may read their mail in."""
    languages = current().languages
    return languages[1] if len(languages) > 1 else languages[0]


def in_host_language_args(
    name: str, company: str, purpose: str, now: datetime, timezone: str = "", site: str = ""
) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    """IN_HOST_LANGUAGE's values for the subject and for the body."""
    facts = _facts(name, company, now, timezone, site)
    other = other_language()
    subject_o, body_o = _worded(purpose, facts, other)
    subject_f, body_f = _worded(purpose, facts, current().languages[0])
    return (other, subject_o, subject_f), (other, body_o, body_f)
