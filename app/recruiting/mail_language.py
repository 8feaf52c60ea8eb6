"""The language of the mail we send a candidate (issue 21.9): taken from the apply form they
first sent, changeable on their own page. Every candidate mail (confirmation, sign-in links,
answers to rights requests, consent renewal) is written in it."""

from datetime import datetime

from app.config import current
from app.db import transaction
from app.errors import ValidationFailed
from app.privacy import audit
from app.tables import Candidate

NOT_OFFERED = "Choose one of the languages in the list."


async def set_mail_language(candidate_id: int, language: str, now: datetime) -> None:
    """The candidate's own choice (their session proves it is them)."""
    if language not in current().languages:
        raise ValidationFailed({"mail_language": NOT_OFFERED})
    async with transaction():
        row = await Candidate.select(Candidate.uid).where(Candidate.id == candidate_id).first()
        if row is None:
            raise ValidationFailed({"mail_language": NOT_OFFERED})
        await Candidate.update({Candidate.language: language}).where(Candidate.id == candidate_id)
        await audit.record(
            audit.Actor("candidate", candidate_id),
            "mail_language_changed",
            now,
            subject_kind="candidate",
            subject_ref=str(row["uid"]),
            reason=language,
        )
