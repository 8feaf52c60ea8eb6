"""Hand-off of a hired candidate to the company's HR system (issue 17 point 10).

HR marks a hired candidate "handed over"; a webhook then posts the minimum an HR system
needs to open an employee record (docs/operators.md "Hand-off to an HR system" has the
schema), signed with HMAC-SHA256 over a timestamp and the body, and retried with the
outbox's backoff (app.mail.BACKOFF) until the HR system answers 2xx. Once it has, the
pending body is emptied and the application's own retention starts: the employee record
lives in the HR system now (RETENTION_HANDED_OVER_DAYS, app.privacy.retention).

Never for a candidate who is not hired: decide() refuses the hand-off, and the delivery job
checks the stage again before each attempt (a stage moved back cancels the delivery)."""

import hashlib
import hmac
import uuid
from datetime import datetime

import msgspec

from app import webhooks
from app.config import current
from app.db import transaction
from app.errors import Conflict, NotFound
from app.mail import BACKOFF, MAX_ATTEMPTS
from app.privacy import audit
from app.privacy.access import HAND_OVER, frozen
from app.privacy.retention import refresh_application_erase_after
from app.recruiting.invitations import reference as application_reference
from app.recruiting.pipeline import load, require
from app.tables import Application, HrisHandover, Position

SCHEMA = "intake.hris.handover/1"
SIGNATURE_HEADER = "X-Intake-Signature"
DELIVERY_HEADER = "X-Intake-Delivery"
TIMEOUT_SECONDS = 10.0
NOT_CONFIGURED = "No HR system is set up (INTAKE_HRIS_WEBHOOK_URL)."


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>`: the receiver recomputes it
    and refuses an old timestamp, so a captured request cannot be replayed later."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def payload(
    reference: uuid.UUID, now: datetime, application: dict, candidate: dict, position: dict
) -> dict:
    """The minimum to open an employee record (Art. 5(1)(c)): who, how to reach them, for
    which job, and a reference to come back with. No CV, cover letter, rating, comment or
    consent history: those served the selection, not the employment."""
    return {
        "schema": SCHEMA,
        "reference": str(reference),
        "handed_over_at": now.isoformat(),
        "person": {
            "name": candidate["full_name"],
            "email": candidate["email"],
            "language": candidate["language"],
        },
        "position": {"reference": position["slug"], "title": position["title"]},
        "start": {"reference": str(application["uid"])},
    }


async def hand_over(
    actor: audit.Actor, application_id: int, position_id: int, now: datetime
) -> str:
    """Queue the hand-off; returns its reference. A second hand-off of the same application
    is refused unless the first was cancelled or gave up."""
    if not current().hris_webhook_url:
        raise Conflict(NOT_CONFIGURED)
    async with transaction():
        application, candidate = await load(application_id, position_id)
        require(actor, application, candidate, HAND_OVER)
        earlier = await HrisHandover.select(HrisHandover.id, HrisHandover.status).where(
            HrisHandover.application == application_id
        )
        if earlier and earlier[0]["status"] in ("pending", "delivered"):
            raise Conflict("This candidate is already handed over.")
        position = await Position.select().where(Position.id == position_id).first()
        if position is None:
            raise NotFound("We could not find that application.")
        reference = uuid.uuid4()
        body = msgspec.json.encode(payload(reference, now, application, candidate, position))
        await HrisHandover.delete().where(HrisHandover.application == application_id)
        await HrisHandover.insert(
            HrisHandover(
                reference=reference,
                application=application_id,
                created_at=now,
                body=body.decode(),
                status="pending",
                next_attempt_at=now,
            )
        )
        await audit.record(
            actor,
            "hris_handed_over",
            now,
            subject_kind="candidate",
            subject_ref=str(candidate["uid"]),
            object_id=application_id,
        )
    return str(reference)


# What staff see of a hand-off, on the application page and in the admins' delivery log:
# references, state and times, never the payload.
SHOWN = (
    HrisHandover.reference,
    HrisHandover.status,
    HrisHandover.attempts,
    HrisHandover.created_at,
    HrisHandover.delivered_at,
)


async def status_of(application_id: int) -> dict | None:
    return await (
        HrisHandover.select(*SHOWN).where(HrisHandover.application == application_id).first()
    )


async def deliver_handovers(now: datetime, limit: int = 20) -> dict[str, int]:
    """The job: post what is due, each on its own; one HR-system error never holds the rest."""
    settings = current()
    done = {"delivered": 0, "failed": 0, "cancelled": 0}
    if not settings.hris_webhook_url:
        return done
    rows = await (
        HrisHandover.select(
            HrisHandover.id,
            HrisHandover.reference,
            HrisHandover.body,
            HrisHandover.attempts,
            HrisHandover.application,
            HrisHandover.application.stage.as_alias("stage"),
            HrisHandover.application.restricted.as_alias("restricted"),
            HrisHandover.application.objected.as_alias("objected"),
        )
        .where((HrisHandover.status == "pending") & (HrisHandover.next_attempt_at <= now))
        .order_by(HrisHandover.id)
        .limit(limit)
    )
    if not rows:
        return done
    async with webhooks.client(TIMEOUT_SECONDS) as client:
        for row in rows:
            if row["stage"] != "hired" or frozen(row):
                await _end(
                    row["id"],
                    "cancelled",
                    "no longer hired" if row["stage"] != "hired" else "restricted",
                )
                done["cancelled"] += 1
                continue
            error = await _post(
                client, settings.hris_webhook_url, settings.hris_webhook_secret, row, now
            )
            if error:
                await _attempt_failed(row, error, now)
                done["failed"] += 1
            else:
                await _delivered(row, now)
                done["delivered"] += 1
    return done


async def _post(client: "webhooks.Client", url: str, secret: str, row: dict, now: datetime) -> str:
    """'' when the HR system took it (2xx); else what went wrong, without any content."""
    body = row["body"].encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret, int(now.timestamp()), body),
        DELIVERY_HEADER: str(row["reference"]),
    }
    return await webhooks.post(client, url, content=body, headers=headers)


async def _delivered(row: dict, now: datetime) -> None:
    """The body goes at once (personal data, no longer needed here); the application's own
    retention starts (app.privacy.retention: RETENTION_HANDED_OVER_DAYS)."""
    async with transaction():
        await HrisHandover.update(
            {
                HrisHandover.status: "delivered",
                HrisHandover.delivered_at: now,
                HrisHandover.body: "",
                HrisHandover.attempts: row["attempts"] + 1,
                HrisHandover.last_error: "",
                HrisHandover.next_attempt_at: None,
            }
        ).where(HrisHandover.id == row["id"])
        await Application.update({Application.handed_over_at: now}).where(
            Application.id == row["application"]
        )
        await refresh_application_erase_after(row["application"], now)


async def _attempt_failed(row: dict, error: str, now: datetime) -> None:
    attempts = row["attempts"] + 1
    if attempts >= MAX_ATTEMPTS:
        await HrisHandover.update(
            {
                HrisHandover.status: "failed",
                HrisHandover.attempts: attempts,
                HrisHandover.last_error: error[:64],
                HrisHandover.next_attempt_at: None,
            }
        ).where(HrisHandover.id == row["id"])
        return
    await HrisHandover.update(
        {
            HrisHandover.attempts: attempts,
            HrisHandover.last_error: error[:64],
            HrisHandover.next_attempt_at: now + BACKOFF[attempts - 1],
        }
    ).where(HrisHandover.id == row["id"])


async def _end(handover_id: int, status: str, why: str) -> None:
    await HrisHandover.update(
        {
            HrisHandover.status: status,
            HrisHandover.body: "",
            HrisHandover.last_error: why,
            HrisHandover.next_attempt_at: None,
        }
    ).where(HrisHandover.id == handover_id)


async def delivery_log(limit: int = 200) -> list[dict]:
    """For admins: references and attempts, nothing about the person (issue 17 point 10).
    The application is named by the same short reference as its page and its interviews."""
    rows = await (
        HrisHandover.select(
            *SHOWN,
            HrisHandover.last_error,
            HrisHandover.next_attempt_at,
            HrisHandover.application,
            HrisHandover.application.position.as_alias("position"),
            HrisHandover.application.uid.as_alias("application_uid"),
        )
        .order_by(HrisHandover.id, ascending=False)
        .limit(limit)
    )
    for row in rows:
        row["application_ref"] = application_reference(row.pop("application_uid"))
    return rows


async def retry(reference: str, now: datetime) -> None:
    """An admin starts a failed delivery again (the HR system is back)."""
    await HrisHandover.update(
        {
            HrisHandover.status: "pending",
            HrisHandover.attempts: 0,
            HrisHandover.next_attempt_at: now,
            HrisHandover.last_error: "",
        }
    ).where((HrisHandover.reference == uuid.UUID(reference)) & (HrisHandover.status == "failed"))
