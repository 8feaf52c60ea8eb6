"""The data step of issue 16.1's migration: consent events recorded before the column
`identified_by` existed get what can be told of how the person was identified."""

import importlib
import uuid
from datetime import timedelta

from app.clock import utcnow
from app.tables import ConsentEvent
from tests.factories import application_row, candidate_row, position_row

STEP = importlib.import_module("migrations.intake_2026_12_04t01_54_40_000000")


async def old_event(uid: str, at, channel: str = "portal") -> int:
    row = ConsentEvent(candidate_ref=uuid.UUID(uid), purpose="m", action="given", at=at,
                       text_hash="x" * 64, language="en", channel=channel,
                       erase_after=at + timedelta(days=1095), identified_by="unrecorded")
    await row.save()
    return int(row.id)


async def test_old_events_get_what_can_be_told():
    applied_at = utcnow() - timedelta(days=10)
    cid, uid = await candidate_row(created_at=applied_at - timedelta(days=30))
    await application_row(cid, await position_row(), created_at=applied_at)
    with_application = await old_event(uid, applied_at)
    on_their_page = await old_event(uid, applied_at + timedelta(days=1))
    opted_out = await old_event(uid, applied_at + timedelta(days=2), channel="mail")
    _, first_uid = await candidate_row(created_at=applied_at)
    at_creation = await old_event(first_uid, applied_at)
    erased = await old_event(str(uuid.uuid4()), applied_at)
    await STEP._tell_old_events()
    rows = {r["id"]: r["identified_by"] for r in await ConsentEvent.select()}
    assert rows == {
        with_application: "first_application",
        on_their_page: "mailed_link_session",
        opted_out: "optout_link",
        at_creation: "first_application",
        erased: "unrecorded",
    }
