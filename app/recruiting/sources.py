"""How candidates heard about us (issue 20.5): the apply form's optional question, answered
from a fixed list that admins edit (no free text, which could name someone). The answer is
counted anonymously with the application (app.privacy.statistics, metric "source") and kept
nowhere else: not on the candidate, not on the application."""

from datetime import datetime

from app.db import fetch, transaction
from app.errors import NotFound, ValidationFailed
from app.privacy import audit
from app.tables import ApplicationSource

LABEL_MAX = 80
# A first list, made once when there is none (admins rename, add and hide sources).
DEFAULTS = (
    ("Our website", "Vores hjemmeside"),
    ("LinkedIn", "LinkedIn"),
    ("A job board", "En jobportal"),
    ("A friend or colleague", "En ven eller kollega"),
    ("An event or a fair", "Et arrangement eller en messe"),
    ("Other", "Andet"),
)
# Constant SQL (app.db.fetch): read on SQLite's event-loop connection, no trip to a
# connection's thread for every apply form and statistics page.
LISTED = "SELECT id, label_en, label_da, active FROM application_source ORDER BY id"


async def ensure_defaults() -> None:
    if not await ApplicationSource.exists():
        await ApplicationSource.insert(
            *[ApplicationSource(label_en=en, label_da=da, active=True) for en, da in DEFAULTS]
        )


async def everything() -> list[dict]:
    return await ApplicationSource.select().order_by(ApplicationSource.id)


async def listed(language: str, active_only: bool = True) -> list[tuple[str, str]]:
    """(code, label) in the form's order; the code is what the form sends and what is counted."""
    column = "label_da" if language == "da" else "label_en"
    return [
        (str(row["id"]), row[column])
        for row in await fetch(LISTED)
        if row["active"] or not active_only
    ]


async def checked(code: str) -> str:
    """The answer as counted: "" (not answered) or a source shown on the form."""
    code = code.strip()
    if not code:
        return ""
    if code.isdigit() and await ApplicationSource.exists().where(
        (ApplicationSource.id == int(code)) & ApplicationSource.active.eq(True)
    ):
        return code
    raise ValidationFailed({"source": "Choose one of the options."})


def _labels(label_en: str, label_da: str) -> tuple[str, str]:
    en, da = label_en.strip(), label_da.strip()
    errors = {}
    for field, value in (("label_en", en), ("label_da", da)):
        if not value:
            errors[field] = "This field is required."
        elif len(value) > LABEL_MAX:
            errors[field] = f"Use at most {LABEL_MAX} characters."
    if errors:
        raise ValidationFailed(errors)
    return en, da


async def add(actor: audit.Actor, label_en: str, label_da: str, now: datetime) -> int:
    en, da = _labels(label_en, label_da)
    async with transaction():
        row = ApplicationSource(label_en=en, label_da=da, active=True)
        await row.save()
        await audit.record(actor, "source_added", now, object_id=int(row.id))
    return int(row.id)


async def change(
    actor: audit.Actor, source_id: int, label_en: str, label_da: str, active: bool, now: datetime
) -> None:
    """Rename, hide from the form or show again; its counts stay under its id."""
    en, da = _labels(label_en, label_da)
    async with transaction():
        changed = (
            await ApplicationSource.update(
                {
                    ApplicationSource.label_en: en,
                    ApplicationSource.label_da: da,
                    ApplicationSource.active: active,
                }
            )
            .where(ApplicationSource.id == source_id)
            .returning(ApplicationSource.id)
        )
        if not changed:
            raise NotFound("We could not find that source.")
        await audit.record(actor, "source_changed", now, object_id=source_id)
