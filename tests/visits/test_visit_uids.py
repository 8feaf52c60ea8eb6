"""Visit uids are in sign-in order (app.visits.uids, RFC 9562 version 7), so the retention
sweep, which erases the oldest visits first, erases one run of the uid index per batch
instead of one random page per visit (bench B4)."""

import uuid
from datetime import timedelta

from app.clock import utcnow
from app.privacy.notices import current_notice
from app.tables import Visit
from app.visits import visits
from app.visits.sites import first_site_id
from app.visits.uids import visit_uid
from tests.factories import enrolled_kiosk, host
from tests.visits.test_services import sign_in_form


def _millis(uid: uuid.UUID) -> int:
    return uid.int >> 80


def test_a_uid_is_version_7_and_carries_its_millisecond():
    now = utcnow()
    uid = visit_uid(now)
    assert uid.version == 7 and uid.variant == uuid.RFC_4122
    assert _millis(uid) == int(now.timestamp() * 1000)
    assert len({visit_uid(now) for _ in range(1000)}) == 1000  # 74 random bits each


def test_a_later_sign_in_sorts_after_an_earlier_one_as_text_and_as_a_uuid():
    now = utcnow()
    earlier = [visit_uid(now + timedelta(milliseconds=i)) for i in range(200)]
    assert sorted(earlier) == earlier
    assert sorted(earlier, key=str) == earlier  # SQLite stores the text form


async def test_both_sign_in_paths_store_uids_in_sign_in_order(notices):
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    site = await first_site_id()
    start = utcnow()
    for i in range(6):
        now = start + timedelta(seconds=i)
        if i % 2:  # a walk-in at once, and one through sign_in's transaction
            form = sign_in_form(host_id, notice.id, submission=f"s{i}", site_id=site)
            assert await visits._sign_in_at_once(form, kiosk_id, now) is not None
        else:
            await visits.sign_in(sign_in_form(host_id, notice.id), kiosk_id, now)
    rows = await Visit.select(Visit.uid, Visit.signed_in_at).order_by(Visit.id)
    uids = [uuid.UUID(str(r["uid"])) for r in rows]
    assert len(uids) == 6 and all(u.version == 7 for u in uids)
    assert sorted(uids) == uids
    assert [_millis(u) for u in uids] == [
        int(r["signed_in_at"].timestamp() * 1000) for r in rows
    ]
