"""Scorecards (issue 17, purpose n): per position, 2-8 criteria HR defines; each reviewer
scores every criterion 1-4 with an optional note.

- Four steps, no middle: a reviewer must lean one way on each criterion.
- Nothing is preselected on the form: a default would be a score nobody gave.
- A reviewer sees colleagues' scores, and the average, only once they have submitted their
  own. Scores read first pull one's own towards them (anchoring), which structured
  interviewing avoids by having each interviewer score independently before any discussion.
- The average is shown for a person to weigh; nothing sorts or rejects by it by itself
  (policy: "avoid profiling"; GDPR Art. 22). A reviewer may sort the queue by it.
- Scores are the candidate's personal data: exported with them (app.privacy.export), erased
  with the application (ON DELETE CASCADE, app.privacy.erasure), shown and written only as
  decide() allows purpose n.

The bare 1-5 ratings from before (table `rating`) stay readable on the application page and in
the export, unchanged: mapping 1-5 onto 1-4 criteria would invent scores nobody gave."""

from datetime import datetime
from typing import Any

from app.db import fetch, transaction
from app.errors import ValidationFailed
from app.privacy import audit
from app.recruiting.pipeline import load, require
from app.tables import CriterionScore, Scorecard, ScorecardCriterion

MIN_CRITERIA, MAX_CRITERIA = 2, 8
SCORES = (1, 2, 3, 4)
MAX_NOTE = 1000
MAX_NAME, MAX_DESCRIPTION = 80, 300


async def criteria_for(position_id: int) -> list[dict[str, Any]]:
    return await (
        ScorecardCriterion.select(
            ScorecardCriterion.id, ScorecardCriterion.name, ScorecardCriterion.description
        )
        .where(ScorecardCriterion.position == position_id)
        .order_by(ScorecardCriterion.place)
        .order_by(ScorecardCriterion.id)
    )


async def _in_use(criterion_ids: list[int]) -> set[int]:
    if not criterion_ids:
        return set()
    rows = await CriterionScore.select(CriterionScore.criterion).where(
        CriterionScore.criterion.is_in(criterion_ids)
    )
    return {r["criterion"] for r in rows}


def _check_slots(slots: list[tuple[int | None, str, str]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for i, (_, name, description) in enumerate(slots):
        if len(name) > MAX_NAME:
            errors[f"name_{i}"] = "Write at most 80 characters."
        elif not name and description:
            errors[f"name_{i}"] = "Give the criterion a name, or clear its description."
        if len(description) > MAX_DESCRIPTION:
            errors[f"description_{i}"] = "Write at most 300 characters."
    named = sum(1 for _, name, _ in slots if name)
    if not errors and not MIN_CRITERIA <= named <= MAX_CRITERIA:
        errors["form"] = "A scorecard has 2 to 8 criteria."
    return errors


async def save_criteria(
    actor: audit.Actor,
    position_id: int,
    slots: list[tuple[int | None, str, str]],
    now: datetime,
) -> None:
    """The form's slots in order: (existing criterion id or None, name, description). A
    cleared slot removes its criterion, unless a score uses it: then the name must stay
    (renaming is allowed; a score keeps pointing at the same criterion)."""
    slots = [(cid, name.strip(), description.strip()) for cid, name, description in slots]
    errors = _check_slots(slots)
    async with transaction():
        known = {c["id"] for c in await criteria_for(position_id)}
        slots = [(cid if cid in known else None, n, d) for cid, n, d in slots]
        used = await _in_use([cid for cid, name, _ in slots if cid and not name])
        for i, (cid, name, _) in enumerate(slots):
            if cid in used and not name:
                errors[f"name_{i}"] = "Scores use this criterion: rename it, but keep it."
        if errors:
            raise ValidationFailed(errors)
        for place, (cid, name, description) in enumerate(slots):
            if cid and not name:
                await ScorecardCriterion.delete().where(ScorecardCriterion.id == cid)
            elif cid:
                await ScorecardCriterion.update(
                    {
                        ScorecardCriterion.name: name,
                        ScorecardCriterion.description: description,
                        ScorecardCriterion.place: place,
                    }
                ).where(ScorecardCriterion.id == cid)
            elif name:
                await ScorecardCriterion.insert(
                    ScorecardCriterion(
                        position=position_id, name=name, description=description, place=place
                    )
                )
        await audit.record(
            actor, "scorecard_criteria_changed", now, subject_kind="position", object_id=position_id
        )


def _checked_answers(
    criteria: list[dict[str, Any]], answers: dict[int, tuple[str, str]]
) -> list[tuple[int, int, str]]:
    """(criterion id, score, note) for every criterion, or every field's problem at once."""
    if not criteria:
        raise ValidationFailed({"form": "This position has no scorecard criteria yet."})
    errors: dict[str, str] = {}
    checked = []
    for c in criteria:
        raw, note = answers.get(c["id"], ("", ""))
        note = note.strip()
        if raw.strip() not in {str(s) for s in SCORES}:
            errors[f"score_{c['id']}"] = "Choose a score from 1 to 4."
        if len(note) > MAX_NOTE:
            errors[f"note_{c['id']}"] = "Write at most 1000 characters."
        if f"score_{c['id']}" not in errors:
            checked.append((c["id"], int(raw), note))
    if errors:
        raise ValidationFailed(errors)
    return checked


async def submit(
    actor: audit.Actor,
    application_id: int,
    position_id: int,
    answers: dict[int, tuple[str, str]],
    now: datetime,
) -> None:
    """The reviewer's scorecard, replacing their own earlier one; the application's average
    follows in the same transaction. `answers`: criterion id -> (score as typed, note)."""
    async with transaction():
        application, candidate = await load(application_id, position_id)
        require(actor, application, candidate, "rate")
        checked = _checked_answers(await criteria_for(position_id), answers)
        await Scorecard.delete().where(
            (Scorecard.application == application_id) & (Scorecard.author == actor.id)
        )
        card = (
            await Scorecard.insert(
                Scorecard(application=application_id, author=actor.id, submitted_at=now)
            ).returning(Scorecard.id)
        )[0]["id"]
        await CriterionScore.insert(
            *[
                CriterionScore(scorecard=card, criterion=cid, score=score, note=note)
                for cid, score, note in checked
            ]
        )
        await _refresh_average(application_id)
        await audit.record(
            actor,
            "scorecard_submitted",
            now,
            subject_kind="candidate",
            subject_ref=candidate["uid"],
            object_id=application_id,
        )


async def _refresh_average(application_id: int) -> None:
    rows = await fetch(
        "SELECT AVG(cs.score) AS mean FROM criterion_score cs "
        "JOIN scorecard s ON s.id = cs.scorecard WHERE s.application = ?",
        application_id,
    )
    mean = rows[0]["mean"] if rows else None
    hundredths = None if mean is None else round(float(mean) * 100)
    await fetch("UPDATE application SET score_average = ? WHERE id = ?", hundredths, application_id)


async def view_for(actor: audit.Actor, application_id: int, position_id: int) -> dict[str, Any]:
    """What this reviewer sees of the scorecards: the criteria and their own card; the others'
    cards and the averages only once their own is in (anchoring, see the module docstring).
    The caller has asked decide() for view_evaluation."""
    criteria = await criteria_for(position_id)
    cards = await (
        Scorecard.select(
            Scorecard.id,
            Scorecard.author,
            Scorecard.submitted_at,
            Scorecard.author.display_name.as_alias("by"),
        )
        .where(Scorecard.application == application_id)
        .order_by(Scorecard.submitted_at)
    )
    mine = next((c for c in cards if c["author"] == actor.id and actor.id is not None), None)
    view: dict[str, Any] = {"criteria": criteria, "others": len(cards) - (1 if mine else 0)}
    if mine is None:
        return {**view, "mine": None, "mine_values": {}, "cards": [], "average": None,
                "averages": {}}  # fmt: skip
    scores = await CriterionScore.select(
        CriterionScore.scorecard, CriterionScore.criterion, CriterionScore.score,
        CriterionScore.note,
    ).where(CriterionScore.scorecard.is_in([c["id"] for c in cards]))  # fmt: skip
    for card in cards:
        card["scores"] = {s["criterion"]: s for s in scores if s["scorecard"] == card["id"]}
    per: dict[int, list[int]] = {}
    for s in scores:
        per.setdefault(s["criterion"], []).append(s["score"])
    every = [s["score"] for s in scores]
    # The reviewer's own answers, to change them (their own, so not a preselected default).
    own = mine["scores"].values()
    values = {f"score_{s['criterion']}": str(s["score"]) for s in own}
    values.update({f"note_{s['criterion']}": s["note"] for s in own})
    return {
        **view,
        "mine": mine,
        "mine_values": values,
        "cards": cards,
        "averages": {cid: round(sum(v) / len(v), 1) for cid, v in per.items()},
        "average": round(sum(every) / len(every), 2) if every else None,
    }
