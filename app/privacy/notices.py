"""Privacy notices: versioned, per audience (candidate, visitor) and language.

Consent records point at the exact version and the hash of the exact text shown (GDPR Art.
7(1)), so versions are never edited or deleted: publishing makes a new one."""

import hashlib
import json
from datetime import datetime

import msgspec

from app.db import fetch, transaction
from app.privacy import default_notices
from app.tables import NoticeVersion

AUDIENCES = ("candidate", "visitor")
# Purposes the candidate can consent to (policy purposes m, n and L, and the talent pool).
CANDIDATE_PURPOSES = ("m", "n", "talent_pool", "marketing")


class Notice(msgspec.Struct, frozen=True):
    id: int
    audience: str
    language: str
    version: int
    title: str
    summary: str
    body: str
    purpose_texts: dict[str, str]
    text_hash: str
    published_at: datetime


def text_hash(title: str, summary: str, body: str, purpose_texts: dict[str, str]) -> str:
    canonical = json.dumps(
        [title, summary, body, purpose_texts], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def purpose_hash(text: str) -> str:
    """The hash recorded with a consent event: of the exact purpose text beside the box."""
    return hashlib.sha256(text.encode()).hexdigest()


def _notice(row: dict) -> Notice:
    texts = row["purpose_texts"]
    if isinstance(texts, str):
        texts = json.loads(texts)
    return Notice(
        id=row["id"],
        audience=row["audience"],
        language=row["language"],
        version=row["version"],
        title=row["title"],
        summary=row["summary"],
        body=row["body"],
        purpose_texts=texts,
        text_hash=row["text_hash"],
        published_at=row["published_at"],
    )


# Asked by every kiosk screen and every queue page: constant SQL (app.db.fetch, bench B3).
_COLUMNS = (
    "SELECT id, audience, language, version, title, summary, body, purpose_texts, text_hash, "
    "published_at FROM notice_version WHERE audience = ? AND language = ? "
)
_CURRENT = _COLUMNS + "AND site IS NULL ORDER BY version DESC LIMIT 1"  # shared by every site
_CURRENT_AT_SITE = _COLUMNS + "AND site = ? ORDER BY version DESC LIMIT 1"  # one site's own


async def current_notice(audience: str, language: str, site_id: int = 0) -> Notice | None:
    """The newest version for `audience` in `language` (falling back to English): a site's
    own visitor notice when it has one (issue 19.5), else the one shared by every site."""
    for lang in dict.fromkeys([language, "en"]):
        rows = await fetch(_CURRENT_AT_SITE, audience, lang, site_id) if site_id else []
        rows = rows or await fetch(_CURRENT, audience, lang)
        if rows:
            return _notice(rows[0])
    return None


async def notice_by_id(notice_id: int) -> Notice | None:
    row = await NoticeVersion.select().where(NoticeVersion.id == notice_id).first()
    return _notice(row) if row else None


async def publish(
    audience: str,
    language: str,
    title: str,
    summary: str,
    body: str,
    purpose_texts: dict[str, str],
    now: datetime,
    published_by: int | None = None,
    site_id: int | None = None,
) -> Notice:
    """A new version; the old ones stay, because consent records point at them. With
    `site_id`, a visitor notice of that site only (numbered on its own), else shared."""
    if site_id is not None and audience != "visitor":
        raise ValueError("only a visitor notice belongs to a site")
    same_site = NoticeVersion.site.is_null() if site_id is None else NoticeVersion.site == site_id
    async with transaction():
        latest = await (
            NoticeVersion.select(NoticeVersion.version)
            .where((NoticeVersion.audience == audience) & (NoticeVersion.language == language))
            .where(same_site)
            .order_by(NoticeVersion.version, ascending=False)
            .first()
        )
        row = NoticeVersion(
            audience=audience,
            language=language,
            version=(latest["version"] + 1) if latest else 1,
            title=title,
            summary=summary,
            body=body,
            purpose_texts=purpose_texts,
            text_hash=text_hash(title, summary, body, purpose_texts),
            published_at=now,
            published_by=published_by,
            site=site_id,
        )
        await row.save()
    notice = await notice_by_id(int(row.id))
    assert notice is not None
    return notice


async def ensure_default_notices(now: datetime) -> int:
    """First start: version 1 of each notice in English and Danish, if none exists."""
    made = 0
    for (audience, language), text in default_notices.NOTICES.items():
        if not await NoticeVersion.exists().where(
            (NoticeVersion.audience == audience) & (NoticeVersion.language == language)
        ):
            await publish(
                audience,
                language,
                text["title"],
                text["summary"],
                text["body"],
                text.get("purposes", {}),
                now,
            )
            made += 1
    return made


EVALUATION_PURPOSES = ("m", "n")


async def _purpose_hashes(notice_ids: set[int]) -> dict[int, dict[str, str]]:
    if not notice_ids:
        return {}
    rows = await NoticeVersion.select(NoticeVersion.id, NoticeVersion.purpose_texts).where(
        NoticeVersion.id.is_in(sorted(notice_ids))
    )
    out = {}
    for row in rows:
        texts = row["purpose_texts"]
        if isinstance(texts, str):
            texts = json.loads(texts)
        out[row["id"]] = {p: purpose_hash(t) for p, t in texts.items()}
    return out


async def stale_consents_many(candidates: list[dict]) -> dict[int, list[str]]:
    """For each candidate (by id): the purposes m/n consented under a purpose text that the
    current notice in the candidate's language no longer has. They must confirm again
    (GDPR Art. 7(1): consent is to the text that was shown)."""
    current: dict[str, Notice | None] = {}
    versions: set[int] = set()
    for c in candidates:
        lang = c.get("language") or "en"
        if lang not in current:
            current[lang] = await current_notice("candidate", lang)
        versions.update(
            c[f"consent_version_{p}"] for p in EVALUATION_PURPOSES if c.get(f"consent_version_{p}")
        )
    hashes = await _purpose_hashes(versions)
    out: dict[int, list[str]] = {}
    for c in candidates:
        now_notice = current[c.get("language") or "en"]
        stale = []
        for p in EVALUATION_PURPOSES:
            version = c.get(f"consent_version_{p}")
            if not c.get(f"consent_{p}") or not version or now_notice is None:
                continue
            then = hashes.get(version, {}).get(p)
            if then != purpose_hash(now_notice.purpose_texts.get(p, "")):
                stale.append(p)
        out[c["id"]] = stale
    return out


async def stale_consents(candidate_row: dict) -> list[str]:
    """The purposes (of m, n) this candidate must confirm again on their next visit."""
    return (await stale_consents_many([candidate_row]))[candidate_row["id"]]


async def stale_consent_notices(candidate_row: dict) -> dict[str, dict]:
    """For each purpose consented under an older text: the notice it was given under
    (version, language, published) and the current version, so a reviewer sees which text
    the candidate agreed to (GDPR Art. 7(1); issue 17 point 7)."""
    out: dict[str, dict] = {}
    for purpose in await stale_consents(candidate_row):
        then = await notice_by_id(candidate_row[f"consent_version_{purpose}"])
        if then is None:
            continue
        now_notice = await current_notice("candidate", candidate_row.get("language") or "en")
        out[purpose] = {
            "version": then.version,
            "language": then.language,
            "published_at": then.published_at,
            "current_version": now_notice.version if now_notice else None,
        }
    return out
