"""What a reviewer sees of one application: only what the consents allow (app.privacy.access),
and every look at personal data written to the audit log (policy: "only accessible to our
employees ... as needed")."""

from datetime import datetime
from typing import Any

from app.db import transaction
from app.errors import NotFound
from app.privacy import audit, consent
from app.privacy.access import allowed_actions, decide, frozen, waiting_for_consent
from app.privacy.notices import stale_consent_notices, stale_consents
from app.recruiting import contact, cv_preview, scorecards
from app.recruiting.cv_store import read_cv
from app.recruiting.pipeline import TRANSITIONS, load
from app.recruiting.screening import answers_of
from app.tables import Comment, CVFile, Position, Rating, StageChange


async def open_application(
    actor: audit.Actor, application_id: int, position_id: int, now: datetime
) -> dict[str, Any]:
    async with transaction():
        application, candidate = await load(application_id, position_id)
        may = allowed_actions(actor.role, application, candidate)
        if not may["view_summary"]:
            raise NotFound("We could not find that application.")
        position = (
            await Position.select(Position.id, Position.title)
            .where(Position.id == position_id)
            .first()
        )
        view: dict[str, Any] = {
            "id": application["id"],
            "name": candidate["full_name"],
            "subject_ref": str(candidate["uid"]),
            "position": position,
            "stage": application["stage"],
            "created_at": application["created_at"],
            "lock_version": application["lock_version"],
            "consent_m": candidate["consent_m"],
            "consent_n": candidate["consent_n"],
            "stale": await stale_consents(candidate),
            # Which older notice text a consent was given under (issue 17 point 7).
            "consent_notices": await stale_consent_notices(candidate),
            # Why a section is not shown, in its place (issue 17 point 7): decide()'s reason.
            "reasons": {
                section: decide(actor.role, application, candidate, action).reason
                for section, action in (
                    ("cv", "view_cv"),
                    ("evaluation", "view_evaluation"),
                    ("contact", "send_message"),
                )
            },
            # Consents given by whoever typed the address on a first application (issue 16).
            "unproven": await consent.unproven(str(candidate["uid"])),
            "frozen": frozen(application),
            "waiting": waiting_for_consent(candidate),
            "may": may,
            "next_stages": TRANSITIONS.get(application["stage"], ()) if may["move_stage"] else (),
        }
        shown = ["summary"]
        if may["view_background"]:
            view["background"] = {
                "email": candidate["email"],
                "phone": candidate["phone"],
                "cover_letter": application["cover_letter"],
                "cvs": await CVFile.select(
                    CVFile.id, CVFile.original_name, CVFile.size, CVFile.created_at
                ).where(CVFile.application == application_id),
            }
            shown.append("background")
        if may["view_cv"] and "background" in view:  # the CV in place: audited once per visit
            for cv in view["background"]["cvs"]:
                await cv_preview.note_reading(actor, candidate["uid"], cv["id"], now)
        if may["view_screening"]:  # purpose m, like the background (issue 21 point 7)
            view["screening"] = await answers_of(application_id)
        if may["view_evaluation"]:
            view["evaluation"] = await _evaluation(application_id)
            view["scorecard"] = await scorecards.view_for(actor, application_id, position_id)
            shown.append("evaluation")  # the audit line names what was shown, nothing more
        else:  # said where the scorecard would be, not left as an empty space (issue 17.7)
            view["scorecard_refused"] = decide(
                actor.role, application, candidate, "view_evaluation"
            ).reason
        if may["send_message"] or may["invite_to_interview"]:  # purpose n (issue 17.4-5)
            view["contact"] = await contact.of_application(application)
            shown.append("contact")
        await audit.record(
            actor,
            "application_viewed",
            now,
            subject_kind="candidate",
            subject_ref=candidate["uid"],
            object_id=application_id,
            reason=",".join(shown),
        )
    # Decrypted and measured after the transaction, for this request only.
    if may["view_cv"] and "background" in view:
        view["background"]["previews"] = await cv_preview.previews(application_id)
    view.update(refusals(view, application))
    return view


# The sections a refusal can stand in for, in the page's order, with their purpose and title.
SECTIONS = (
    ("background", "m", "Background"),
    ("scorecard", "n", "Scorecard"),
    ("evaluation", "n", "Evaluation"),
    ("contact", "n", "Messages and interviews"),
)


def refusals(view: dict[str, Any], application: dict[str, Any]) -> dict[str, Any]:
    """Where decide()'s reason for a hidden section is said: once per page, not in every
    section it hides (issue 17 point 7 and its review). A reason that holds for the whole
    application (restricted, objected, withdrawn; or no consent at all, which the summary
    already says) stands in the summary at the top; any other stands in the first section it
    hides. The later sections it hides only point to it. Each purpose's older notice text is
    named once, in the first hidden section of that purpose."""
    reasons = view["reasons"]
    hidden = {
        "background": reasons["cv"] if "background" not in view else "",
        "scorecard": view.get("scorecard_refused", ""),
        "evaluation": reasons["evaluation"] if "evaluation" not in view else "",
        "contact": reasons["contact"] if "contact" not in view else "",
    }
    whole = view["frozen"] or application["stage"] == "withdrawn"
    page_reason = reasons["evaluation"] if whole else ""
    homes: dict[str, str] = {page_reason: "page-reason"} if page_reason else {}
    if view["waiting"] and not page_reason:
        homes = {hidden[section]: "page-reason" for section, _, _ in SECTIONS if hidden[section]}
    places: dict[str, dict[str, Any]] = {}
    named: set[str] = set()
    for section, purpose, _title in SECTIONS:
        reason = hidden[section]
        if not reason:
            continue
        home = homes.setdefault(reason, f"{section}-refused")
        places[section] = {
            "reason": reason,
            "purpose": purpose,
            "home": "" if home == f"{section}-refused" else home,
            "also": [t for s, _, t in SECTIONS if s != section and hidden[s] == reason]
            if home == f"{section}-refused"
            else [],
            "older_notice": purpose not in named,
        }
        named.add(purpose)
    return {"refusals": places, "page_reason": page_reason}


async def _evaluation(application_id: int) -> dict[str, Any]:
    ratings = (
        await Rating.select(
            Rating.score,
            Rating.created_at,
            Rating.author,
            Rating.author.display_name.as_alias("by"),
        )
        .where(Rating.application == application_id)
        .order_by(Rating.created_at)
    )
    comments = (
        await Comment.select(
            Comment.body, Comment.created_at, Comment.author.display_name.as_alias("by")
        )
        .where(Comment.application == application_id)
        .order_by(Comment.created_at)
    )
    history = (
        await StageChange.select(
            StageChange.from_stage,
            StageChange.to_stage,
            StageChange.at,
            StageChange.reason,  # a rejection template's key (Art. 22), shown by name
            StageChange.actor.display_name.as_alias("by"),
        )
        .where(StageChange.application == application_id)
        .order_by(StageChange.at)
    )
    scores = [r["score"] for r in ratings]
    return {
        # Bare 1-5 ratings from before scorecards: read-only (app.recruiting.scorecards).
        "ratings": ratings,
        "average": round(sum(scores) / len(scores), 1) if scores else None,
        "comments": comments,
        "history": history,
    }


async def cv_download(
    actor: audit.Actor, application_id: int, position_id: int, cv_id: int, now: datetime
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of one CV, decrypted for this request only."""
    async with transaction():
        candidate, cv = await cv_preview.readable_cv(actor, application_id, position_id, cv_id)
        if cv is None:
            raise NotFound("We could not find that CV.")
        await audit.record(
            actor,
            "cv_downloaded",
            now,
            subject_kind="candidate",
            subject_ref=candidate["uid"],
            object_id=cv_id,
        )
    content = await read_cv(cv)  # decrypted for this response only
    return cv["original_name"], cv["media_type"], content


CV_MEDIA_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
