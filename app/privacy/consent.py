"""The consent ledger (GDPR Art. 7): every give and withdraw is an append-only event; the
flags on Candidate are a cache of the latest event per purpose, kept in the same transaction.

Callers run these inside their own use-case transaction (app.db.transaction).

A consent is recorded in a person's name only from that person (SECURITY.md "Consent and
identity"); each event says how they were identified (IDENTIFIED_BY)."""

from datetime import datetime, timedelta
from typing import Any

from app.config import current
from app.privacy import statistics
from app.privacy.notices import CANDIDATE_PURPOSES, Notice, purpose_hash
from app.tables import Candidate, ConsentEvent

_FLAG = {
    "m": Candidate.consent_m,
    "n": Candidate.consent_n,
    "talent_pool": Candidate.talent_pool,
    "marketing": Candidate.marketing,
}
_VERSION = {"m": Candidate.consent_version_m, "n": Candidate.consent_version_n}

# How the person giving or withdrawing was identified:
MAILED_LINK_SESSION = "mailed_link_session"  # their page, opened from a link mailed to them
FIRST_APPLICATION = "first_application"  # their first application: the address not proven
CONFIRMATION_LINK = "confirmation_link"  # the single-use link that confirms an application
OPTOUT_LINK = "optout_link"  # the one-click marketing opt-out link of a mail sent to them
RENEWAL_LINK = "renewal_link"  # the single-use consent-renewal link mailed to them (21.4)
IDENTIFIED_BY = (
    MAILED_LINK_SESSION,
    FIRST_APPLICATION,
    CONFIRMATION_LINK,
    OPTOUT_LINK,
    RENEWAL_LINK,
)
# Nobody proved control of the address ("unrecorded": events from before the column).
UNPROVEN = (FIRST_APPLICATION, "unrecorded")


async def record(
    candidate_id: int,
    candidate_uid: str,
    purpose: str,
    given: bool,
    notice: Notice,
    *,
    language: str,
    channel: str,
    ip_prefix: str,
    now: datetime,
    identified_by: str,
) -> None:
    """Append one event and update the cached flag. `notice` is the version whose text for
    `purpose` was on the screen; `identified_by` how the person was identified."""
    if purpose not in CANDIDATE_PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if identified_by not in IDENTIFIED_BY:
        raise ValueError(f"unknown identification {identified_by!r}")
    shown = notice.purpose_texts.get(purpose, "")
    await ConsentEvent.insert(
        ConsentEvent(
            candidate_ref=candidate_uid,
            purpose=purpose,
            action="given" if given else "withdrawn",
            at=now,
            notice_version=notice.id,
            text_hash=purpose_hash(shown),
            language=language,
            channel=channel,
            ip_prefix=ip_prefix,
            erase_after=now + timedelta(days=current().retention.audit_days),
            identified_by=identified_by,
        )
    )
    await statistics.consent_changed(purpose, given, now)
    changes: dict[Any, Any] = {_FLAG[purpose]: given}
    if purpose in _VERSION:
        changes[_VERSION[purpose]] = notice.id if given else None
    await Candidate.update(changes).where(Candidate.id == candidate_id)


async def history(candidate_uid: str) -> list[dict]:
    """Every consent event of one person, oldest first (for their export and the DPO)."""
    return await (
        ConsentEvent.select(
            ConsentEvent.purpose,
            ConsentEvent.action,
            ConsentEvent.at,
            ConsentEvent.notice_version,
            ConsentEvent.text_hash,
            ConsentEvent.language,
            ConsentEvent.channel,
            ConsentEvent.ip_prefix,
            ConsentEvent.identified_by,
        )
        .where(ConsentEvent.candidate_ref == candidate_uid)
        .order_by(ConsentEvent.id)
    )


async def unproven(candidate_uid: str) -> list[str]:
    """The purposes whose consent in force was given by someone who never proved control of
    the candidate's address (their first application): staff see that mark."""
    latest: dict[str, dict] = {}
    for event in await history(candidate_uid):
        latest[event["purpose"]] = event
    return [
        p
        for p in CANDIDATE_PURPOSES
        if p in latest and latest[p]["action"] == "given" and latest[p]["identified_by"] in UNPROVEN
    ]
