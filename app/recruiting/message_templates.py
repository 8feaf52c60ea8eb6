"""The messages HR sends candidates (issue 17.4): three templates, each in English and
Danish, edited by admins. A template may name only the candidate's first name, the position
and the company; the text an admin writes is never evaluated (no Jinja, no str.format, whose
fields reach attributes): each {placeholder} is looked up in a fixed table, and any other
brace is refused beside the field that has it."""

import re
from datetime import datetime
from typing import Any

from app.db import transaction
from app.errors import NotFound, ValidationFailed
from app.privacy import audit
from app.tables import MessageTemplate

KEYS = ("interview_invitation", "more_information", "rejection")
# The interview invitation's text goes out with the calendar entry the interview form makes
# (app.recruiting.interviews); sent as a bare message it would invite to no time at all.
INTERVIEW = "interview_invitation"
MESSAGE_KEYS = tuple(k for k in KEYS if k != INTERVIEW)
# The key a rejection's stage change records as its reason (Art. 22: who, when, and why).
REJECTION = "rejection"
# The reasons a rejection may record: rejection templates' keys, never free text.
REJECTION_REASONS = (REJECTION,)
PLACEHOLDERS = ("first_name", "position", "company")
LANGUAGES = ("en", "da")
SUBJECT_MAX = 200
BODY_MAX = 5000
# Every brace pair, and every lone brace: a template has no other use for braces.
_BRACED = re.compile(r"\{([^{}]*)\}")
_LONE_BRACE = re.compile(r"[{}]")

_HELLO = "Dear {first_name},\n\n"
_BYE_EN = "\n\nKind regards,\n{company}"
_BYE_DA = "\n\nVenlig hilsen\n{company}"
# The first texts, made once by migrate (and used while a key has no row yet).
DEFAULTS: dict[str, dict[str, str]] = {
    "interview_invitation": {
        "subject_en": "Interview for {position}",
        "body_en": _HELLO + "Thank you for applying for {position}. We would like to meet "
        "you for an interview." + _BYE_EN,
        "subject_da": "Samtale om stillingen {position}",
        "body_da": "Kære {first_name}\n\nTak for din ansøgning til stillingen {position}. Vi "
        "vil gerne invitere dig til en samtale." + _BYE_DA,
    },
    "more_information": {
        "subject_en": "Your application for {position}",
        "body_en": _HELLO + "Thank you for applying for {position}. We need a little more "
        "information before we can go on: please reply to this mail or update your "
        "application on your page." + _BYE_EN,
        "subject_da": "Din ansøgning til stillingen {position}",
        "body_da": "Kære {first_name}\n\nTak for din ansøgning til stillingen {position}. Vi "
        "har brug for lidt flere oplysninger, før vi kan gå videre: svar på denne mail, "
        "eller ret din ansøgning på din side." + _BYE_DA,
    },
    "rejection": {
        "subject_en": "Your application for {position}",
        "body_en": _HELLO + "Thank you for your interest in {position}. After careful "
        "consideration we have decided not to go further with your application." + _BYE_EN,
        "subject_da": "Din ansøgning til stillingen {position}",
        "body_da": "Kære {first_name}\n\nTak for din interesse for stillingen {position}. "
        "Vi har overvejet din ansøgning grundigt og har besluttet ikke at gå videre "
        "med den." + _BYE_DA,
    },
}
FIELDS = ("subject_en", "body_en", "subject_da", "body_da")
SUBJECT_TOO_LONG = "Write the subject on one line, in at most 200 characters."
BODY_TOO_LONG = "Use at most 5000 characters."
UNKNOWN_PLACEHOLDER = "Use only {first_name}, {position} and {company} in braces."


def placeholder_problem(text: str) -> str:
    """The message for a text with a placeholder we do not fill, or ""."""
    for name in _BRACED.findall(text):
        if name not in PLACEHOLDERS:
            return UNKNOWN_PLACEHOLDER
    if _LONE_BRACE.search(_BRACED.sub("", text)):
        return UNKNOWN_PLACEHOLDER
    return ""


def fill(text: str, values: dict[str, str]) -> str:
    """Each known {placeholder} replaced by its value, in one pass (a value that itself
    contains braces is never looked at again)."""
    return _BRACED.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def first_name(full_name: str) -> str:
    return full_name.split()[0] if full_name.split() else full_name


async def ensure_defaults() -> None:
    """The three templates, once (app.cli.migrate); admins' edits are never overwritten."""
    present = {r["key"] for r in await MessageTemplate.select(MessageTemplate.key)}
    missing = [k for k in KEYS if k not in present]
    if missing:
        await MessageTemplate.insert(*[_row(k, DEFAULTS[k]) for k in missing])


def _row(key: str, texts: dict[str, str], **more: Any) -> MessageTemplate:
    return MessageTemplate(_data={MessageTemplate.key: key, **_columns(texts)}, **more)


def _columns(texts: dict[str, str]) -> dict[Any, str]:
    return {getattr(MessageTemplate, f): texts[f] for f in FIELDS}


async def everything() -> list[dict]:
    """Every template in KEYS order, for the admins' page: a database made before this page
    (or emptied since) gets its first texts here, so the page shows rows, not code."""
    async with transaction():
        await ensure_defaults()
        rows = {r["key"]: r for r in await MessageTemplate.select()}
    return [rows[k] for k in KEYS]


async def get(key: str) -> dict:
    if key not in KEYS:
        raise NotFound("We could not find that template.")
    row = await MessageTemplate.select().where(MessageTemplate.key == key).first()
    return row or {"key": key, **DEFAULTS[key]}


def in_language(template: dict, language: str) -> tuple[str, str]:
    lang = language if language in LANGUAGES else "en"
    return template[f"subject_{lang}"], template[f"body_{lang}"]


def _checked(texts: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    out = {}
    for field in FIELDS:
        value = texts.get(field, "").strip().replace("\r\n", "\n")
        limit = SUBJECT_MAX if field.startswith("subject") else BODY_MAX
        if not value:
            errors[field] = "This field is required."
        elif len(value) > limit or (limit == SUBJECT_MAX and "\n" in value):
            errors[field] = SUBJECT_TOO_LONG if limit == SUBJECT_MAX else BODY_TOO_LONG
        elif problem := placeholder_problem(value):
            errors[field] = problem
        out[field] = value
    if errors:
        raise ValidationFailed(errors)
    return out


async def save(actor: audit.Actor, key: str, texts: dict[str, str], now: datetime) -> None:
    """An admin's new texts for one template: all four fields checked, or nothing stored."""
    if key not in KEYS:  # only a forged form names another
        raise ValidationFailed({"form": "We could not find that template."})
    values = _checked(texts)
    async with transaction():
        changed = (
            await MessageTemplate.update(
                {
                    **{getattr(MessageTemplate, f): v for f, v in values.items()},
                    MessageTemplate.updated_at: now,
                    MessageTemplate.updated_by: actor.id,
                }
            )
            .where(MessageTemplate.key == key)
            .returning(MessageTemplate.id)
        )
        if not changed:
            await MessageTemplate.insert(_row(key, values, updated_at=now, updated_by=actor.id))
        await audit.record(actor, "message_template_changed", now, object_id=key)
