"""Consent renewal by mail (issue 21.4).

Two cases, each one mail in the candidate's language with a link (a page with one button, so
a mail scanner that fetches the link decides nothing):
- the talent pool: RENEW_AHEAD before the talent-pool keeping ends (RETENTION_TALENT_POOL_DAYS,
  24 months by default), "keep my application for future positions" can be renewed; the click
  is a new consent event under the current notice, and keeping counts again from then. No
  answer: the normal retention erases everything on the date the mail gave.
- a changed text: when a new notice version changes the text of purpose m or n that the
  candidate agreed to, they are asked to confirm again (GDPR Art. 7(1): consent is to the text
  shown), by mail, not only by the banner on their page.

The daily job (app/jobs.py) calls `mail_renewals(now)`; it is idempotent: the link's token
row (purpose RENEWAL) records that the mail went, per talent-pool ending and per notice."""

import json
from datetime import datetime, timedelta
from typing import Any

from app.config import current
from app.dates import day
from app.db import transaction
from app.errors import NotFound
from app.i18n import gettext_for
from app.mail import queue
from app.privacy import audit, consent, retention
from app.privacy.notices import current_notice, stale_consents, stale_consents_many
from app.recruiting.signin import issue, link, live, use
from app.tables import Candidate, Token

RENEWAL = "consent_renewal"  # Token purpose: the renewal link
RENEW_AHEAD = timedelta(days=30)
RECONFIRM_LINK_KEPT = timedelta(days=60)
PER_RUN = 500  # at most this many mails of each kind per run; the next run goes on
TALENT_POOL = "talent_pool"
RECONFIRM = "reconfirm"


async def _mailed(now: datetime, candidate_id: int | None = None) -> set[tuple[int, str, Any]]:
    """(candidate, kind, notice) of every renewal link still alive: each is one mail sent.
    Read once per run for everybody (a new notice makes many candidates due at once), and
    again for one candidate inside the transaction that mails them."""
    where = (Token.purpose == RENEWAL) & (Token.expires_at > now)
    if candidate_id is not None:
        where = where & (Token.candidate == candidate_id)
    rows = await Token.select(Token.candidate, Token.payload).where(where)
    keys = set()
    for row in rows:
        payload = json.loads(row["payload"]) if isinstance(row["payload"], str) else row["payload"]
        keys.add((row["candidate"], payload.get("kind"), payload.get("notice")))
    return keys


def _page_link(token: str, language: str) -> str:
    return f"{link('/me/renew', token)}?lang={language}"


async def _mail_talent_pool(candidate: dict[str, Any], now: datetime) -> None:
    ends = candidate["erase_after"]
    token = await issue(RENEWAL, candidate["id"], now, {"kind": TALENT_POOL}, ttl=ends - now)
    language = candidate["language"] or "en"
    _ = gettext_for(language)
    body = _(
        "Hello %(name)s,\n\nYou asked us to keep your application for future positions. We keep "
        "it until %(date)s.\n\nTo keep it for %(months)s more months, open this link and "
        "confirm with one click:\n%(link)s\n\nIf you do nothing, we erase your application and "
        "your data on %(date)s. You can also see, change or withdraw your consents on your page."
    ) % {
        "name": candidate["full_name"],
        "date": day(ends, language),
        "months": round(current().retention.talent_pool_days / 30.44),
        "link": _page_link(token, language),
    }
    await queue(candidate["email"], _("Shall we keep your application?"), body, now)


async def _mail_reconfirm(candidate: dict[str, Any], notice_id: int, now: datetime) -> None:
    token = await issue(
        RENEWAL,
        candidate["id"],
        now,
        {"kind": RECONFIRM, "notice": notice_id},
        ttl=RECONFIRM_LINK_KEPT,
    )
    language = candidate["language"] or "en"
    _ = gettext_for(language)
    body = _(
        "Hello %(name)s,\n\nWe have changed the text of what you agreed to when you applied. "
        "HR may go on only if you confirm the new text. Read it and confirm with one click:\n"
        "%(link)s\n\nYou can also withdraw your consent on your page."
    ) % {"name": candidate["full_name"], "link": _page_link(token, language)}
    await queue(candidate["email"], _("Please confirm your consent again"), body, now)


async def _talent_pool_due(now: datetime) -> list[dict[str, Any]]:
    """Candidates in the talent pool whose data goes within RENEW_AHEAD (and who still have
    an evaluation consent, without which the pool keeps nothing)."""
    return await (
        Candidate.select()
        .where(
            (Candidate.talent_pool == True)  # noqa: E712 - Piccolo builds SQL from ==
            & ((Candidate.consent_m == True) | (Candidate.consent_n == True))  # noqa: E712
            & (Candidate.erase_after > now)
            & (Candidate.erase_after <= now + RENEW_AHEAD)
        )
        .order_by(Candidate.erase_after)
    )


async def _reconfirm_due(now: datetime) -> list[tuple[dict[str, Any], int]]:
    """Candidates whose m or n text changed since they agreed, with the notice to confirm."""
    due: list[tuple[dict[str, Any], int]] = []
    for language in current().languages:
        notice = await current_notice("candidate", language)
        if notice is None:
            continue
        rows = await Candidate.select().where(
            (Candidate.language == language)
            & (
                ((Candidate.consent_m == True) & (Candidate.consent_version_m != notice.id))  # noqa: E712
                | ((Candidate.consent_n == True) & (Candidate.consent_version_n != notice.id))  # noqa: E712
            )
        )
        stale = await stale_consents_many(rows)
        due += [(row, notice.id) for row in rows if stale.get(row["id"])]
    return due


async def mail_renewals(now: datetime) -> dict[str, int]:
    """The daily job: one mail per talent-pool ending and per changed notice, never two."""
    sent = {TALENT_POOL: 0, RECONFIRM: 0}
    mailed = await _mailed(now)
    for candidate in await _talent_pool_due(now):
        key: tuple[int, str, Any] = (candidate["id"], TALENT_POOL, None)
        if sent[TALENT_POOL] >= PER_RUN:
            break
        if key in mailed:
            continue
        async with transaction():
            if key not in await _mailed(now, candidate["id"]):
                await _mail_talent_pool(candidate, now)
                sent[TALENT_POOL] += 1
    for candidate, notice_id in await _reconfirm_due(now):
        key = (candidate["id"], RECONFIRM, notice_id)
        if sent[RECONFIRM] >= PER_RUN:
            break
        if key in mailed:
            continue
        async with transaction():
            if key not in await _mailed(now, candidate["id"]):
                await _mail_reconfirm(candidate, notice_id, now)
                sent[RECONFIRM] += 1
    return sent


# --- the link's page --------------------------------------------------------------------


async def offer(token: str, now: datetime) -> dict[str, Any]:
    """What the link offers: its kind, the candidate's keep-until date and the purposes to
    confirm (NotFound for a used, expired or unknown link)."""
    row = await live(token, RENEWAL, now)
    candidate = await Candidate.select().where(Candidate.id == row["candidate"]).first()
    if candidate is None:
        raise NotFound("This link is no longer valid. Ask for a new one.")
    kind = row["payload"].get("kind")
    purposes = [TALENT_POOL] if kind == TALENT_POOL else await stale_consents(candidate)
    return {
        "kind": kind,
        "purposes": purposes,
        "erase_after": candidate["erase_after"],
        "language": candidate["language"],
    }


async def renew(token: str, language: str, ip_prefix: str, now: datetime) -> datetime | None:
    """The one click: the link is spent and each purpose it offers gets a new consent event
    under the current notice (the mailed link identifies the person: channel "mail",
    identified by RENEWAL_LINK); the
    retention dates follow. Returns the new keep-until date."""
    async with transaction():
        row = await use(token, RENEWAL, now)
        candidate = await Candidate.select().where(Candidate.id == row["candidate"]).first()
        if candidate is None:
            raise NotFound("This link is no longer valid. Ask for a new one.")
        notice = await current_notice("candidate", language)
        if notice is None:
            raise NotFound("This link is no longer valid. Ask for a new one.")
        kind = row["payload"].get("kind")
        purposes = [TALENT_POOL] if kind == TALENT_POOL else await stale_consents(candidate)
        for purpose in purposes:
            await consent.record(
                candidate["id"],
                str(candidate["uid"]),
                purpose,
                True,
                notice,
                language=language,
                channel="mail",
                ip_prefix=ip_prefix,
                now=now,
                identified_by=consent.RENEWAL_LINK,
            )
        await audit.record(
            audit.Actor("candidate", candidate["id"]),
            "consent_renewed",
            now,
            subject_kind="candidate",
            subject_ref=str(candidate["uid"]),
            reason=",".join(purposes),
        )
        await retention.refresh_candidate_erase_after(candidate["id"], now)
        fresh = (
            await Candidate.select(Candidate.erase_after)
            .where(Candidate.id == candidate["id"])
            .first()
        )
    return fresh["erase_after"] if fresh else None
