"""What the candidate's own page shows: each application with its state, and the
information they are owed (Art. 13/15: the notice they agreed to, recipients, transfers
outside the EU, and the retention that applies with the actual dates)."""

from typing import Any

from app.config import current
from app.i18n import gettext_for
from app.privacy import art30
from app.privacy.notices import current_notice, notice_by_id
from app.recruiting import interviews, messages
from app.recruiting.states import LABELS, candidate_state
from app.tables import Application, ConsentEvent, CVFile


async def applications(candidate: dict[str, Any]) -> list[dict[str, Any]]:
    rows = await (
        Application.select(
            Application.id,
            Application.cover_letter,
            Application.stage,
            Application.restricted,
            Application.objected,
            Application.created_at,
            Application.decided_at,
            Application.erase_after,
            Application.position.title.as_alias("position_title"),
        )
        .where(Application.candidate == candidate["id"])
        .order_by(Application.id, ascending=False)
    )
    for row in rows:
        state = candidate_state(row, candidate)
        row["state"], row["state_label"] = state, LABELS[state]
        row["cvs"] = await CVFile.select(
            CVFile.id, CVFile.original_name, CVFile.size, CVFile.created_at
        ).where(CVFile.application == row["id"])
        # What HR wrote to them, and the interview to answer (issue 17.4-5).
        row["messages"] = await messages.of_application(row["id"])
        row["interview"] = await interviews.current_of(row["id"])
    return rows


async def agreed_notice_id(candidate: dict[str, Any]) -> int | None:
    """The notice version the candidate's consent points to (the latest "given" event)."""
    for key in ("consent_version_m", "consent_version_n"):
        if candidate.get(key):
            return int(candidate[key])
    event = await (
        ConsentEvent.select(ConsentEvent.notice_version)
        .where((ConsentEvent.candidate_ref == candidate["uid"]) & (ConsentEvent.action == "given"))
        .order_by(ConsentEvent.id, ascending=False)
        .first()
    )
    return event["notice_version"] if event and event["notice_version"] else None


async def information(candidate: dict[str, Any], language: str) -> dict[str, Any]:
    settings = current()
    record = art30.record(settings, gettext_for(language))
    agreed_id = await agreed_notice_id(candidate)
    transfers = record.get("transfers_outside_eu")
    return {
        "agreed": await notice_by_id(agreed_id) if agreed_id else None,
        "current": await current_notice("candidate", language),
        "sub_processors": record.get("sub_processors", []),
        "transfers": transfers if isinstance(transfers, list) else [],
        "retention": settings.retention,
        "applications": await applications(candidate),
        "candidate_erase_after": candidate.get("erase_after"),
    }
