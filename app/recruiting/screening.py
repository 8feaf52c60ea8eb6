"""Screening questions that never decide (issue 21 point 7; GDPR Art. 22).

HR may ask up to five questions per position: yes/no, one choice, or a short text, each with
the reason it is asked, shown to the candidate beside it. An answer HR marked may *flag* the
application for a person to look at; a flag never rejects, ranks, hides or moves anything:
nothing here writes the application's stage, and the queue's order does not read it.

Answers are purpose-m data (the candidate's background): staff see them, and their flag,
only when app.privacy.access allows "view_screening"; they go into the candidate's export
and are erased with the application (ON DELETE CASCADE)."""

import re
from datetime import datetime
from typing import Any

import msgspec

from app.db import transaction
from app.errors import NotFound, ValidationFailed
from app.privacy import audit
from app.tables import Position, ScreeningAnswer, ScreeningQuestion

MAX_QUESTIONS = 5
KINDS = ("yes_no", "choice", "text")
YES_NO = ("yes", "no")
MAX_CHOICES = 10
MAX_ANSWER = 500
FIELD = "q_{}"  # the apply form's field of question {id}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# HR may mark yes/no answers in either language.
_YES_NO_WORDS = {"yes": "yes", "ja": "yes", "no": "no", "nej": "no"}


class QuestionDraft(msgspec.Struct, frozen=True):
    kind: str
    prompt: str
    reason: str
    choices: tuple[str, ...] = ()
    flag_answers: tuple[str, ...] = ()


def options(question: dict[str, Any]) -> tuple[str, ...]:
    """The answers a question accepts (none listed for a free text)."""
    if question["kind"] == "yes_no":
        return YES_NO
    if question["kind"] == "choice":
        return tuple(question["choices"] or ())
    return ()


def _lines(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def draft_from(kind: str, prompt: str, reason: str, choices: str, flags: str) -> QuestionDraft:
    """A question as HR typed it, every problem beside its field."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Choose one of the options."
    for name, value in (("prompt", prompt), ("reason", reason)):
        if not value.strip():
            errors[name] = "This field is required."
        elif len(value) > 300:
            errors[name] = "Use at most 300 characters."
    listed = _lines(choices) if kind == "choice" else ()
    if kind == "choice" and not 2 <= len(listed) <= MAX_CHOICES:
        errors["choices"] = "Give between 2 and 10 answers, one per line."
    elif any(len(c) > 100 for c in listed):
        errors["choices"] = "Use at most 100 characters."
    marked = _lines(flags)
    if kind == "yes_no":
        marked = tuple(_YES_NO_WORDS.get(m.lower(), m) for m in marked)
    allowed = YES_NO if kind == "yes_no" else listed
    if marked and (kind == "text" or any(m not in allowed for m in marked)):
        errors["flag_answers"] = "Each flagging answer must be one of the question's answers."
    if errors:
        raise ValidationFailed(errors)
    return QuestionDraft(kind, prompt.strip(), reason.strip(), listed, marked)


async def questions_for(position_id: int) -> list[dict[str, Any]]:
    return await (
        ScreeningQuestion.select()
        .where(ScreeningQuestion.position == position_id)
        .order_by(ScreeningQuestion.id)
        .output(load_json=True)
    )


async def add_question(
    actor: audit.Actor, position_id: int, draft: QuestionDraft, now: datetime
) -> int:
    async with transaction():
        if not await Position.exists().where(Position.id == position_id):
            raise NotFound("We could not find that position.")
        count = await ScreeningQuestion.count().where(ScreeningQuestion.position == position_id)
        if count >= MAX_QUESTIONS:
            raise ValidationFailed({"form": "A position has at most 5 screening questions."})
        row = ScreeningQuestion(
            position=position_id,
            kind=draft.kind,
            prompt=draft.prompt,
            reason=draft.reason,
            choices=list(draft.choices),
            flag_answers=list(draft.flag_answers),
            created_at=now,
        )
        await row.save()
        await audit.record(
            actor, "screening_question_added", now, subject_kind="position", object_id=position_id
        )
    return int(row.id)


async def remove_question(
    actor: audit.Actor, position_id: int, question_id: int, now: datetime
) -> None:
    """Answers already given stay with their applications (their prompt was copied)."""
    async with transaction():
        gone = (
            await ScreeningQuestion.delete()
            .where(
                (ScreeningQuestion.id == question_id) & (ScreeningQuestion.position == position_id)
            )
            .returning(ScreeningQuestion.id)
        )
        if not gone:
            raise NotFound("We could not find that question.")
        await audit.record(
            actor, "screening_question_removed", now, subject_kind="position", object_id=position_id
        )


def answers_from(
    questions: list[dict[str, Any]], form: dict[str, Any], errors: dict[str, str]
) -> tuple[tuple[int, str], ...]:
    """The candidate's answers from the apply form, (question id, answer). Every question may
    be left unanswered; an answer must be one of the options, or short text."""
    answers = []
    for q in questions:
        field = FIELD.format(q["id"])
        raw = form.get(field)
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            continue
        allowed = options(q)
        if allowed and value not in allowed:
            errors[field] = "Choose one of the options."
        elif len(value) > MAX_ANSWER:
            errors[field] = "Use at most 500 characters."
        elif _CONTROL.search(value):
            errors[field] = "This contains characters that are not allowed."
        else:
            answers.append((int(q["id"]), value))
    return tuple(answers)


async def store_answers(
    application_id: int, position_id: int, answers: tuple[tuple[int, str], ...]
) -> None:
    """In the apply transaction. Only this position's questions; the flag is HR's mark on
    the answer, copied, so a later change to the question changes no past application."""
    if not answers:
        return
    by_id = {q["id"]: q for q in await questions_for(position_id)}
    rows = []
    for question_id, value in answers:
        q = by_id.get(question_id)
        if q is None or (options(q) and value not in options(q)):
            continue
        rows.append(
            ScreeningAnswer(
                application=application_id,
                question=question_id,
                prompt=q["prompt"],
                answer=value[:MAX_ANSWER],
                flagged=value in (q["flag_answers"] or ()),
            )
        )
    if rows:
        await ScreeningAnswer.insert(*rows)


async def answers_of(application_id: int) -> list[dict[str, Any]]:
    """For a reviewer whom app.privacy.access allowed "view_screening", and for the export."""
    return await (
        ScreeningAnswer.select(
            ScreeningAnswer.prompt, ScreeningAnswer.answer, ScreeningAnswer.flagged
        )
        .where(ScreeningAnswer.application == application_id)
        .order_by(ScreeningAnswer.id)
    )


async def flagged_among(application_ids: list[int]) -> set[int]:
    """Which of these applications have a flagged answer (the queue asks for its page only)."""
    if not application_ids:
        return set()
    rows = await ScreeningAnswer.select(ScreeningAnswer.application).where(
        ScreeningAnswer.application.is_in(application_ids) & (ScreeningAnswer.flagged == True)  # noqa: E712
    )
    return {r["application"] for r in rows}
