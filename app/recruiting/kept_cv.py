"""A CV kept across an apply form's error (issue 21.1: "nothing typed is lost").

When the form comes back with an error (an e-mail typo), the CV already sent is kept so the
candidate need not choose it again: encrypted with its own key by the CV store (destroying the
row's wrapped key destroys the file), usable only with the random token put in that form and
from the browser that sent it (the token is bound to a secret of that browser, its CSRF cookie;
only the SHA-256 of both is stored), and only for the same position. A kept CV is used at most once; one
never used is erased by the clean-up job (`erase_expired`), so nothing of it, its name
included, outlives the hour (policy: "keeps your personal data as long as necessary")."""

from datetime import datetime, timedelta
from typing import NamedTuple

from app.db import transaction
from app.recruiting.applications import cv_display_name
from app.recruiting.cv_check import sniff_cv
from app.recruiting.cv_store import destroy_cv, read_cv, store_cv
from app.tables import KeptCV
from app.tokens import digest, new_token

# Usable this long; the clean-up job runs every CLEANUP_EVERY, so a kept CV that is never used
# is gone within KEPT_FOR + CLEANUP_EVERY = one hour of being sent.
KEPT_FOR = timedelta(minutes=50)
CLEANUP_EVERY = timedelta(minutes=10)


class Kept(NamedTuple):
    token: str  # goes into the form, never into a log or a URL
    name: str  # the harmless display name (cv_display_name), shown on the form


class TakenCV(NamedTuple):
    name: str
    content: bytes


def _hash(token: str, binding: str) -> str:
    return digest(f"{token}:{binding}")


async def keep(
    position_id: int, filename: str, content: bytes, now: datetime, binding: str = ""
) -> Kept:
    """Encrypt and keep an accepted CV for this position's form; returns the form's token.
    `binding` is a secret of the sender's browser that must come back with the token."""
    media_type = sniff_cv(content)
    name = cv_display_name(filename, media_type)
    stored = await store_cv(content)
    token = new_token()
    try:
        async with transaction():
            await KeptCV.insert(
                KeptCV(
                    token_hash=_hash(token, binding),
                    position=position_id,
                    storage_name=stored.storage_name,
                    original_name=name,
                    media_type=media_type,
                    size=len(content),
                    wrapped_key=stored.wrapped_key,
                    expires_at=now + KEPT_FOR,
                )
            )
    except BaseException:
        await destroy_cv(stored.storage_name)
        raise
    return Kept(token, name)


async def _row(token: str, position_id: int, now: datetime, binding: str) -> dict | None:
    if not token or len(token) > 100:
        return None
    return (
        await KeptCV.select()
        .where(
            (KeptCV.token_hash == _hash(token, binding))
            & (KeptCV.position == position_id)
            & (KeptCV.expires_at > now)
        )
        .first()
    )


async def name_of(token: str, position_id: int, now: datetime, binding: str = "") -> str | None:
    """The kept CV's display name, or None if the token keeps nothing (any more)."""
    row = await _row(token, position_id, now, binding)
    return None if row is None else str(row["original_name"])


async def take(token: str, position_id: int, now: datetime, binding: str = "") -> TakenCV | None:
    """The kept CV's content, to send with the form; it stays kept until `release`."""
    row = await _row(token, position_id, now, binding)
    if row is None:
        return None
    return TakenCV(str(row["original_name"]), await read_cv(row))


async def release(token: str, binding: str = "") -> None:
    """The form was sent (or the CV replaced): the kept copy goes at once."""
    if not token or len(token) > 100:
        return
    rows = (
        await KeptCV.delete()
        .where(KeptCV.token_hash == _hash(token, binding))
        .returning(KeptCV.storage_name)
    )
    for row in rows:
        await destroy_cv(row["storage_name"])


async def erase_expired(now: datetime) -> int:
    """The clean-up job: kept CVs never used are erased, key (row) first, then the file."""
    rows = await KeptCV.delete().where(KeptCV.expires_at <= now).returning(KeptCV.storage_name)
    for row in rows:
        await destroy_cv(row["storage_name"])
    return len(rows)
