"""Signing visitors in and out: one way, whoever asks (the kiosk page, the kiosk API, the
reception console, the end-of-day job). Each sign-in adds to the anonymous visits counter in
its own transaction (or statement), whichever path stores it (app.privacy.statistics).

Policy: "You will be informed about your rights ... when you are registering yourself into
our electronic visit system": every visit names the notice version that was shown before any
field was filled (Visit.notice_version)."""

import functools
import re
import sqlite3
from datetime import date, datetime
from typing import Any

import msgspec

from app import once, throttle
from app.config import current
from app.db import fetch, transaction, write_now
from app.errors import Conflict, NotFound, ValidationFailed
from app.mail import QUEUE, keep_until, queue
from app.privacy import statistics
from app.privacy.audit import Actor, record
from app.privacy.retention import visit_erase_after
from app.tables import ExpectedVisit, Visit
from app.visits import chat, codes, uids
from app.visits.host_mail import IN_HOST_LANGUAGE, host_mail, in_host_language_args
from app.visits.hosts import AT_SITE, active_host
from app.visits.local_time import last_end_of_day, local_date
from app.visits.sites import (
    first_site_id,
    in_scope,
    name_among_sites,
    site_clocks,
    site_scope,
    site_timezone,
)

# Fixed purposes: the visitor taps one, and the anonymous statistics count per purpose
# without free text that could name someone.
PURPOSES = ("meeting", "interview", "delivery", "maintenance", "event", "other")
DELIVERY = "delivery"  # the courier leaves at once: signed in and out together (issue 19.8)
NAME_MAX = 200
COMPANY_MAX = 200
# Control characters (NUL included) in a name: refused, as the HTML forms refuse them
# (app.web.forms), for every door that signs a visitor in (the kiosk's JSON API included).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_ALLOWED = "This contains characters that are not allowed."
SUBMISSION_PURPOSE = "kiosk_submission"
CHANNELS = ("kiosk", "desk")


class SignIn(msgspec.Struct):
    visitor_name: str
    host_id: int
    purpose: str
    language: str
    notice_id: int
    company: str = ""
    submission: str = ""  # one per rendered form: a replayed form is refused
    invitation_code: str = ""  # pre-registration: the visit's fields come from it
    channel: str = "kiosk"  # or "desk": reception signed the visitor in (sign_in's actor)
    site_id: int = 0  # the kiosk's site, or the desk's; 0: the first site (issue 19.5)
    # The site's own time zone, as the door read it with the site (a kiosk's row: no extra
    # query on the sign-in's hot path, bench B1); empty: sign_in reads it. The visit's day
    # (its counter, its badge, an invitation's date) is the site's local day.
    site_timezone: str = ""
    # The site's name for the host's mail when the company has more than one site, else "";
    # None: sign_in reads it, except on the kiosk's one-statement path (bench B1: no query
    # more), where the mail then gives the time with its zone but no site name.
    site_name: str | None = None


class Badge(msgspec.Struct, frozen=True):
    visit_ref: str
    first_name: str
    host_name: str
    date: date
    signout_code: str


# The sign-in's statements as constant SQL (app.db.fetch): every visitor runs them, and
# building Piccolo query objects for them cost more than the database's work (bench B1).
_VISITOR_NOTICE = "SELECT id FROM notice_version WHERE id = ? AND audience = 'visitor'"
# A host receives visitors only at their own sites (issue 19.5): parameter the site's id.
_AT_SITE = AT_SITE
_HOST_IF_NOTICE = (
    "SELECT h.id, h.name, h.email, h.language FROM host h WHERE h.id = ? AND h.active = TRUE"  # noqa: S608 - constants joined
    + _AT_SITE.format(host="h")
    + " AND EXISTS "
    "(SELECT 1 FROM notice_version n WHERE n.id = ? AND n.audience = 'visitor')"
)
# A sign-out code is stored only while its visitor is on site (sign_out_visit clears it), so a
# stored code is in use; asking for `signed_out_at IS NULL` as well let PostgreSQL's planner
# read every visitor on site by that index instead (app.tables PARTIAL_INDEXES).
_CODE_TAKEN = "SELECT id FROM visit WHERE signout_code_hash = ? LIMIT 1"
_INSERT_VISIT = (
    "INSERT INTO visit (uid, visitor_name, company, purpose, host, kiosk, language, "
    "notice_version, expected_visit, signed_in_at, signed_out_by, signout_code_hash, "
    "submission_hash, channel, site) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)"
)
# A kiosk form is sent once: the visit keeps the hash of its submission id (unique).
_FORM_SENT = "SELECT 1 FROM visit WHERE submission_hash = ?"
_UNLESS_SENT = " ON CONFLICT (submission_hash) WHERE submission_hash IS NOT NULL DO NOTHING"
_INSERT_VISIT_UNLESS_SENT = _INSERT_VISIT + _UNLESS_SENT
# A walk-in's sign-in at once (_sign_in_at_once) first needs the active host, if the notice
# shown is a visitor notice and the new sign-out code is not in use.
_FREE_HOST = (
    "SELECT id, name, email, language FROM host WHERE id = ? AND active = TRUE"  # noqa: S608 - constants joined
    + _AT_SITE.format(host="host")
    + " AND EXISTS "
    "(SELECT 1 FROM notice_version n WHERE n.id = ? AND n.audience = 'visitor') AND NOT EXISTS "
    "(SELECT 1 FROM visit WHERE signout_code_hash = ?)"
)
# On PostgreSQL all of it is one statement, one round trip instead of seven (BEGIN, five
# statements, COMMIT): bench B1, where every trip waits its turn among the other requests.
# `h` is the free host; the visit is stored only with such a host and only if its form was not
# sent before (the unique submission hash), the host's mail only with the visit. One
# statement is one transaction. (SQLite allows no INSERT inside WITH: there the same steps
# run in one transaction on the event loop, app.db.write_now.) From a kiosk, `h` also needs
# the kiosk's window of sign-ins not to be full, and `k` counts the visit in it (issue 16:
# each sign-in mails a host); its rows are (key, limit, window start) and app.throttle's.
# fmt: off
_SIGN_IN_AT_ONCE_STEPS = (
    "v AS (INSERT INTO visit (uid, visitor_name, company, purpose, host, kiosk, language, "  # noqa: S608 - constants joined
    "notice_version, expected_visit, signed_in_at, signed_out_by, signout_code_hash, "
    "submission_hash, channel, site) SELECT ?, ?, ?, ?, h.id, ?, ?, ?, NULL, ?, '', ?, ?, ?, ? FROM h"
    + _UNLESS_SENT + " RETURNING id), "
    "m AS (INSERT INTO outbox_mail (to_address, subject, body, category, created_at, attempts, "
    "last_error, erase_after) SELECT h.email, "
    + IN_HOST_LANGUAGE
    + ", "
    + IN_HOST_LANGUAGE
    + ", 'admin', ?, 0, '', ? FROM h, v RETURNING id), "
    + statistics.VISIT_COUNTED_PG_STEP
    + ", " + chat.QUEUE_PG_STEP
)
_SIGN_IN_AT_ONCE = (
    "WITH h AS (" + _FREE_HOST + "), " + _SIGN_IN_AT_ONCE_STEPS + " SELECT h.name FROM h, v, m, s"  # noqa: S608
)
_SIGN_IN_AT_ONCE_FROM_KIOSK = (
    "WITH h AS (" + _FREE_HOST + " AND NOT EXISTS (" + throttle.FULL + ")), "  # noqa: S608
    + _SIGN_IN_AT_ONCE_STEPS
    + ", k AS (" + throttle.SPEND_AFTER.format(after="v") + " RETURNING 1) "
    "SELECT h.name FROM h, v, m, s, k"
)
# fmt: on


def _check_fields(data: SignIn) -> None:
    errors: dict[str, str] = {}
    if data.purpose == DELIVERY:
        # A delivery names its company and recipient, never the courier (issue 19.8; data
        # minimisation, Art. 5(1)(c)): whatever was typed as a name is dropped here.
        data.visitor_name = ""
        if not data.company.strip():
            errors["company"] = "Please write the delivery company."
    name = data.visitor_name.strip()
    if not name and data.purpose != DELIVERY:
        errors["visitor_name"] = "Please write your full name."
    elif len(name) > NAME_MAX:
        errors["visitor_name"] = f"Use at most {NAME_MAX} characters."
    elif CONTROL.search(name):
        errors["visitor_name"] = NOT_ALLOWED
    if len(data.company.strip()) > COMPANY_MAX:
        errors["company"] = f"Use at most {COMPANY_MAX} characters."
    elif CONTROL.search(data.company):
        errors["company"] = NOT_ALLOWED
    if data.purpose not in PURPOSES:
        errors["purpose"] = "Choose the purpose of your visit."
    if data.language not in current().languages:
        errors["language"] = "Choose one of the options."
    if errors:
        raise ValidationFailed(errors)


async def _check_notice(notice_id: int) -> None:
    if not await fetch(_VISITOR_NOTICE, notice_id):
        raise ValidationFailed({"form": "Please read the privacy notice first."})


async def _notice_and_host(data: SignIn) -> dict:
    """The chosen active host of the site, once the notice shown is known to be a visitor
    notice: one statement for both (a round trip less per sign-in on PostgreSQL, bench B1);
    the two checks one by one only to say which is wrong."""
    rows = await fetch(_HOST_IF_NOTICE, data.host_id, data.site_id, data.notice_id)
    if rows:
        return rows[0]
    await _check_notice(data.notice_id)
    return await active_host(data.host_id, data.site_id)


async def _check_not_sent(submission: str) -> str | None:
    """A form is sent once. A second send of the same form (a back button, a double tap, a
    replay) is refused before anything is written; two racing sends meet the unique hash.
    The hash the visit keeps, or None for a form without a submission id."""
    if not submission:
        return None
    sent = submission_hash(submission)
    if await fetch(_FORM_SENT, sent):
        raise Conflict("This form was already sent. Please start again.")
    return sent


def submission_hash(submission: str) -> str:
    return once.event_hash(SUBMISSION_PURPOSE, submission)


async def _claim_invitation(data: SignIn, kiosk_id: int | None, now: datetime) -> int | None:
    """Pre-registered: name, company, purpose and host come from the invitation."""
    if not data.invitation_code:
        return None
    row = await _invitation_row(data.invitation_code, now, data.site_timezone)
    if row is None:
        raise ValidationFailed({"invitation_code": "That invitation code is not valid today."})
    data.visitor_name, data.company = row["visitor_name"], row["company"]
    data.purpose = row["purpose"] if row["purpose"] in PURPOSES else "meeting"
    data.host_id = row["host"] or 0
    if row["site"] is not None and row["site"] != data.site_id:  # invited to another office
        raise ValidationFailed({"invitation_code": "That invitation code is not valid today."})
    await ExpectedVisit.update({ExpectedVisit.used_at: now}).where(ExpectedVisit.id == row["id"])
    return int(row["id"])


async def _invitation_row(code: str, now: datetime, timezone: str | None) -> dict | None:
    """An unused invitation for today at the site (`timezone`, its own)."""
    if not codes.looks_valid(code, codes.INVITATION_LENGTH):
        return None
    return await (
        ExpectedVisit.select()
        .where(
            (ExpectedVisit.code_hash == codes.code_hash(code))
            & ExpectedVisit.used_at.is_null()
            & (ExpectedVisit.expected_on == local_date(now, timezone))
        )
        .first()
    )


async def _unused_signout_code() -> tuple[str, str]:
    """Unique among visitors on site, so a code signs out exactly one person; with its keyed
    hash (what is stored)."""
    while True:
        code = codes.new_code(codes.SIGNOUT_LENGTH)
        code_hash = codes.code_hash(code)
        if not await fetch(_CODE_TAKEN, code_hash):
            return code, code_hash


async def sign_in(
    data: SignIn, kiosk_id: int | None, now: datetime, actor: Actor | None = None
) -> Badge:
    """One transaction: the visit (with its form's hash) and the host's e-mail, or nothing.
    At the desk (channel "desk"), the receptionist is `actor`, and the audit says who."""
    if data.channel not in CHANNELS or (data.channel == "desk") != (actor is not None):
        raise ValueError("a desk sign-in names its receptionist, a kiosk sign-in none")
    if not data.site_id:
        data.site_id = await first_site_id()
    if not data.site_timezone:
        data.site_timezone = await site_timezone(data.site_id)
    if actor is not None and not in_scope(await site_scope(actor), data.site_id):
        raise ValidationFailed({"site_id": "Choose one of the options."})
    badge = None if actor else await _sign_in_at_once(data, kiosk_id, now)
    if badge is not None:
        return badge
    if data.invitation_code and kiosk_id is not None:
        await throttle.ensure_allowed([_invite_key(kiosk_id)], now)
    if data.site_name is None:
        data.site_name = await name_among_sites(data.site_id)
    try:
        async with transaction():
            if kiosk_id is not None:  # counted with the visit, undone with it
                await throttle.spend([(_kiosk_key(kiosk_id), current().caps.kiosk_sign_ins)], now)
            sent = await _check_not_sent(data.submission)
            expected_id = await _claim_invitation(data, kiosk_id, now)
            _check_fields(data)
            host = await _notice_and_host(data)
            code, code_hash = await _unused_signout_code()
            visit_uid = uids.visit_uid(now)
            await fetch(
                _INSERT_VISIT,
                visit_uid, data.visitor_name.strip(), data.company.strip(), data.purpose,
                host["id"], kiosk_id, data.language, data.notice_id, expected_id, now, code_hash,
                sent, data.channel, data.site_id,
            )  # fmt: skip
            subject, body = _host_mail(data, now, host["language"])
            await queue(host["email"], subject, body, now)
            if data.purpose == DELIVERY:  # not on the evacuation list: nobody stays
                await sign_out_visit(Visit.uid == visit_uid, DELIVERY, now)
            await statistics.visit_signed_in(data.purpose, data.site_id, now, data.site_timezone)
            await fetch(chat.QUEUE, now, now, visit_uid)  # sent by a job (app.visits.chat)
            if actor is not None:
                await record(actor, "visitor_signed_in_at_desk", now, subject_kind="visitor",
                             subject_ref=str(visit_uid))  # fmt: skip
    except ValidationFailed as exc:
        if "invitation_code" in exc.errors and kiosk_id is not None:
            await throttle.record_failure(_invite_key(kiosk_id), throttle.SHORT_CODE, now)
        raise
    except Exception as exc:
        if _is_duplicate(exc):  # two sends of one form raced past the check
            raise Conflict("This form was already sent. Please start again.") from None
        raise
    first = (data.visitor_name.strip().split() or [""])[0]
    return Badge(str(visit_uid), first, host["name"], local_date(now, data.site_timezone), code)


async def _sign_in_at_once(
    data: SignIn, kiosk_id: int | None, now: datetime, code: str | None = None
) -> Badge | None:
    """A walk-in's sign-in as one short write (bench B1), or None with nothing stored: for an
    invitation or a form without a submission id, and whenever a check fails. Then sign_in's
    transaction does the work, or says what is wrong (a replayed form, an unknown host, an
    old notice); after a code that happened to be in use, it simply succeeds with another.
    The statements are sign_in's own: the rows stored are the same either way."""
    if data.invitation_code or not data.submission or data.purpose == DELIVERY:
        return None
    try:
        _check_fields(data)
    except ValidationFailed:
        return None  # sign_in decides which refusal comes first (a replay, then the fields)
    code = code or codes.new_code(codes.SIGNOUT_LENGTH)
    code_hash = codes.code_hash(code)
    visit_uid = uids.visit_uid(now)
    name, company = data.visitor_name.strip(), data.company.strip()
    sent = submission_hash(data.submission)
    subject, body = in_host_language_args(
        name, company, data.purpose, now, data.site_timezone, data.site_name or ""
    )
    settings = current()
    cap = settings.caps.kiosk_sign_ins
    if settings.is_sqlite:
        counted = statistics.visit_counted_args(data.purpose, data.site_id, now, data.site_timezone)
        spent = None if kiosk_id is None else throttle.spend_args(_kiosk_key(kiosk_id), cap, now)

        def walk_in(db: sqlite3.Connection) -> str | None:
            # The kiosk's window of sign-ins first (issue 16): when it is full nothing is
            # stored and sign_in's own transaction answers 429.
            if spent is not None and db.execute(throttle.SPEND, spent).fetchone()[0] > cap.limit:
                return None
            host = db.execute(_FREE_HOST, (data.host_id, data.site_id, data.notice_id, code_hash))
            host_id, host_name, host_email, host_language = host.fetchone() or (None,) * 4
            if host_id is None:
                return None
            stored = db.execute(_INSERT_VISIT_UNLESS_SENT, (
                visit_uid, name, company, data.purpose, host_id, kiosk_id, data.language,
                data.notice_id, None, now, code_hash, sent, data.channel, data.site_id,
            ))  # fmt: skip
            if stored.rowcount != 1:  # the form was sent before
                return None
            mine = 1 if host_language == subject[0] else 2  # IN_HOST_LANGUAGE, in Python
            mail = (host_email, subject[mine], body[mine], "admin", now, keep_until(now))
            db.execute(QUEUE, mail).fetchall()
            db.execute(statistics.VISIT_COUNTED, counted)
            db.execute(chat.QUEUE, (now, now, visit_uid))  # only with a webhook set
            return str(host_name)

        host_name = await write_now(walk_in)
    else:
        args = (
            visit_uid, name, company, data.purpose, kiosk_id, data.language, data.notice_id, now,
            code_hash, sent, data.channel, data.site_id,
            *subject, *body, now, keep_until(now),
            *statistics.visit_counted_pg_args(data.purpose, data.site_id, now, data.site_timezone),
            now, now, data.site_id,  # chat.QUEUE_PG_STEP
        )  # fmt: skip
        free_host = (data.host_id, data.site_id, data.notice_id, code_hash)
        if kiosk_id is None:
            rows = await fetch(_SIGN_IN_AT_ONCE, *free_host, *args)
        else:
            key = _kiosk_key(kiosk_id)
            rows = await fetch(
                _SIGN_IN_AT_ONCE_FROM_KIOSK,
                *free_host, *throttle.full_args(key, cap, now), *args,
                *throttle.spend_args(key, cap, now),
            )  # fmt: skip
        host_name = rows[0]["name"] if rows else None
    if host_name is None:
        return None
    day = local_date(now, data.site_timezone)
    return Badge(str(visit_uid), name.split()[0], host_name, day, code)


def _is_duplicate(exc: Exception) -> bool:
    return type(exc).__name__ in {"IntegrityError", "UniqueViolationError"}


@functools.cache
def _kiosk_key(kiosk_id: int) -> str:
    """The kiosk's window of sign-ins (a key per kiosk; cached: each sign-in asks)."""
    return throttle.key("kiosk-sign-in", str(kiosk_id))


def _invite_key(kiosk_id: int) -> str:
    return throttle.key("invitation-kiosk", str(kiosk_id))


def _host_mail(data: SignIn, now: datetime, language: str) -> tuple[str, str]:
    name, company = data.visitor_name.strip(), data.company.strip()
    return host_mail(
        name, company, data.purpose, now, language, data.site_timezone, data.site_name or ""
    )


async def sign_out_visit(where: Any, by: str, now: datetime) -> int:
    """Sign out the visits `where` names that are on site, forget their codes, and start the
    retention clock (policy: 30 days)."""
    rows = (
        await Visit.update(
            {
                Visit.signed_out_at: now,
                Visit.signed_out_by: by,
                Visit.signout_code_hash: None,
                Visit.erase_after: visit_erase_after(now, current().retention),
            }
        )
        .where(where)
        .returning(Visit.id)
    )
    return len(rows)


async def sign_out_with_code(code: str, kiosk_id: int, now: datetime) -> None:
    """At the kiosk. Wrong codes are throttled per kiosk: six characters are guessable."""
    key = throttle.key("signout-kiosk", str(kiosk_id))
    await throttle.ensure_allowed([key], now)
    done = 0
    if codes.looks_valid(code, codes.SIGNOUT_LENGTH):
        async with transaction():
            # Only an on-site visitor has a stored code (see _CODE_TAKEN).
            done = await sign_out_visit(
                Visit.signout_code_hash == codes.code_hash(code), "kiosk", now
            )
    if not done:
        await throttle.record_failure(key, throttle.SHORT_CODE, now)
        raise ValidationFailed({"code": "That sign-out code is not right. Please check it."})


async def sign_out_by_reception(visit_id: int, actor: Actor, now: datetime) -> None:
    """A visit of a site outside the receptionist's is "not found", as one that never was."""
    scope = await site_scope(actor)
    async with transaction():
        found = await Visit.select(Visit.site).where(Visit.id == visit_id).first()
        if found is None or not in_scope(scope, found["site"]):
            raise NotFound("That visit does not exist.")
        await sign_out_visit(
            (Visit.id == visit_id) & Visit.signed_out_at.is_null(), "reception", now
        )
        await record(actor, "visit_signed_out", now, subject_kind="visitor", object_id=visit_id)


async def sign_out_everyone(now: datetime) -> int:
    """End of day: whoever signed in before their site's latest end of day (its own time zone
    and time) and is still in is signed out ("auto") as of that end of day. Idempotent; run
    late (after a restart), it catches up on the visits of the days it missed and leaves this
    morning's visitors on site. A visit with no site keeps the settings' end of day."""
    done = 0
    async with transaction():
        for site_id, timezone, end_of_day in await site_clocks():
            end = last_end_of_day(now, timezone, end_of_day)
            here = (Visit.site == site_id) & (Visit.signed_in_at <= end)
            done += await sign_out_visit(here & Visit.signed_out_at.is_null(), "auto", end)
        end = last_end_of_day(now)
        nowhere = Visit.site.is_null() & (Visit.signed_in_at <= end)
        done += await sign_out_visit(nowhere & Visit.signed_out_at.is_null(), "auto", end)
    return done


async def review(data: SignIn) -> str:
    """Check a filled form before the visitor confirms it; returns the host's name.
    Nothing is written: the confirm screen may still be abandoned."""
    _check_fields(data)
    return str((await _notice_and_host(data))["name"])
