"""Bulk actions on a selection in the queue (issue 17.6): move each to a stage, or reject
each with the rejection template. Nothing is decided by a rule: the reviewer picked every
application, and each still gets its own stage change and audit record in that reviewer's
name (GDPR Art. 22), through the same service as one click on the application page.

One transaction per application, not one for the whole: each move is its own decision, a
refusal (decide() says no: frozen, consent withdrawn) or a conflict on one application must
not undo the others, and a long batch must not hold the SQLite writer. Applications that are
refused are skipped and reported with the reason, never silently changed."""

from datetime import datetime
from typing import NamedTuple

from app.errors import Conflict, Forbidden, MailCapped, NotFound
from app.privacy import audit
from app.recruiting import message_templates, messages, pipeline
from app.tables import Application

ACTIONS = ("screening", "interview", "offer", "hired", "rejected", "reject_with_template")
MAX_SELECTION = 200


class Outcome(NamedTuple):
    application_id: int
    name: str
    refused: str  # "" when done, else the reason (an English msgid)


async def _names(position_id: int, ids: list[int]) -> dict[int, str]:
    rows = await Application.select(
        Application.id, Application.candidate.full_name.as_alias("name")
    ).where(Application.id.is_in(ids or [0]) & (Application.position == position_id))
    return {r["id"]: r["name"] for r in rows}


async def _one(
    actor: audit.Actor, position_id: int, app_id: int, action: str, now: datetime
) -> None:
    """One application, one transaction, at the version read now (the reviewer saw the
    stage in the queue; the pipeline refuses a stage that cannot follow the current one)."""
    row = (
        await Application.select(Application.lock_version)
        .where((Application.id == app_id) & (Application.position == position_id))
        .first()
    )
    if row is None:
        raise NotFound("We could not find that application.")
    if action in ("rejected", "reject_with_template"):  # the same decision, mail or not
        mail = action == "reject_with_template"
        await messages.reject(
            actor, app_id, position_id, message_templates.REJECTION, mail, row["lock_version"], now
        )
    else:
        await pipeline.move_stage(actor, app_id, position_id, action, row["lock_version"], now)


async def apply(
    actor: audit.Actor, position_id: int, ids: list[int], action: str, now: datetime
) -> list[Outcome]:
    """Each selected application in turn; the outcome of each, in the queue's order."""
    if action not in ACTIONS:
        raise Conflict("Choose one of the options.")
    chosen = list(dict.fromkeys(ids))[:MAX_SELECTION]
    names = await _names(position_id, chosen)
    outcomes = []
    for app_id in chosen:
        if app_id not in names:
            continue  # another position's, or gone: nothing to report about it here
        try:
            await _one(actor, position_id, app_id, action, now)
        except (Forbidden, Conflict, NotFound) as exc:
            outcomes.append(Outcome(app_id, names[app_id], exc.message))
            continue
        except MailCapped as exc:
            outcomes.append(Outcome(app_id, names[app_id], exc.detail))
            continue
        outcomes.append(Outcome(app_id, names[app_id], ""))
    done = sum(1 for o in outcomes if not o.refused)
    # The page that reports the outcomes names the selected candidates (their summaries).
    await audit.record(
        actor,
        "bulk_action",
        now,
        subject_kind="position",
        object_id=position_id,
        reason=f"{action}: {done} of {len(outcomes)}",
    )
    return outcomes
