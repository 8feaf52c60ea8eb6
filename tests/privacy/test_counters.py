"""Anonymous counters are written when the event happens, in the event's own transaction
(issue 20; MISSION.md): each event moves exactly its counters, once; an event that is rolled
back counts nothing. Through the services the doors call, on both databases."""

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from app.clock import utcnow
from app.config import current
from app.db import fetch, transaction
from app.errors import Conflict
from app.privacy import candidate_rights, requests_queue, rights_requests, statistics
from app.privacy.audit import Actor
from app.privacy.notices import current_notice
from app.privacy.statistics_periods import Period
from app.privacy.statistics_report import PERIOD_COUNTERS, Report
from app.recruiting import pipeline
from app.recruiting.applications import ApplyInput, apply
from app.tables import Application, HostSite
from app.visits import visits
from app.visits.local_time import local_date
from app.visits.sites import SiteFields, create_site
from tests.conftest import DATABASE
from tests.factories import (
    consenting_application,
    enrolled_kiosk,
    host,
    open_position,
    staff_member,
)
from tests.portal.support import PDF, position_slug
from tests.stats_support import counters
from tests.visits.test_services import sign_in_form


class Undone(Exception):
    """Raised after an event, inside an outer transaction, to roll the event back."""


async def moved(event) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """What `event()` added to each counter it moved."""
    before = await counters()
    await event()
    after = await counters()
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


async def rolled_back(event) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """What `event()` leaves counted when its transaction is rolled back: must be nothing."""

    async def undone() -> None:
        with pytest.raises(Undone):
            async with transaction():
                await event()
                raise Undone

    return await moved(undone)


def month() -> str:
    return statistics.local_month(utcnow()).isoformat()


APPLY = dict(full_name="Ada Lovelace", email="ada@example.org", phone="", cover_letter="")


async def test_an_application_counts_once_for_its_month_and_position(notices):
    slug = await position_slug("Backend developer")
    data = ApplyInput(consents=("m", "n"), language="en", ip_prefix="192.0.2.0", **APPLY)

    first = await moved(lambda: apply(slug, data, "cv.pdf", PDF, utcnow()))
    again = await moved(lambda: apply(slug, data, "cv.pdf", PDF, utcnow()))  # a resubmission

    assert first == {
        f"applications|{month()}|Backend developer": 1,
        f"consent|{month()}|m|given": 1,
        f"consent|{month()}|n|given": 1,
    }
    assert again == {}


async def test_a_rolled_back_application_counts_nothing(notices):
    slug = await position_slug()
    data = ApplyInput(consents=("m",), language="en", ip_prefix="192.0.2.0", **APPLY)
    assert await rolled_back(lambda: apply(slug, data, "cv.pdf", PDF, utcnow())) == {}
    assert await Application.count() == 0


async def _aarhus(host_id: int) -> int:
    """A second site with the host at it (issue 19.5)."""
    site_id = await create_site(SiteFields("Aarhus"), utcnow())
    await HostSite.insert(HostSite(host=host_id, site=site_id))
    return site_id


async def test_a_sign_in_counts_once_per_day_purpose_and_site(notices):
    host_id = await host()
    aarhus = await _aarhus(host_id)
    kiosk_id, _ = await enrolled_kiosk("Tablet 1")
    notice = await current_notice("visitor", "en")
    now = utcnow()
    today = local_date(now).isoformat()
    walk_in = sign_in_form(host_id, notice.id, purpose="maintenance", submission="form-1",
                           site_id=aarhus)

    # The kiosk's own path: SQLite's short write on the event loop (group commit), or
    # PostgreSQL's single statement.
    assert await moved(lambda: visits.sign_in(walk_in, kiosk_id, now)) == {
        f"visits|{today}|maintenance|Aarhus": 1
    }
    # The same form again is refused, and counts nothing (the statement stored no visit).
    with pytest.raises(Conflict):
        await visits.sign_in(walk_in, kiosk_id, now)
    assert await moved(lambda: visits._sign_in_at_once(walk_in, kiosk_id, now)) == {}
    # The general path (no submission id: sign_in's transaction) counts the same way; a
    # sign-in that names no site is at the first one.
    general = sign_in_form(host_id, notice.id, purpose="maintenance", site_id=aarhus)
    assert await moved(lambda: visits.sign_in(general, kiosk_id, now)) == {
        f"visits|{today}|maintenance|Aarhus": 1
    }
    nowhere = sign_in_form(host_id, notice.id, purpose="maintenance")
    assert await moved(lambda: visits.sign_in(nowhere, None, now)) == {
        f"visits|{today}|maintenance|Main office": 1
    }
    again = sign_in_form(host_id, notice.id, purpose="maintenance", site_id=aarhus)
    assert await rolled_back(lambda: visits.sign_in(again, kiosk_id, now)) == {}


@pytest.mark.skipif(DATABASE != "postgres", reason="SQLite has one writer: no lock to wait for")
async def test_a_sign_in_that_finds_its_counter_locked_counts_beside_it(notices):
    """Concurrent sign-ins waited for each other's commits on their day's counter row (bench
    B1): one that finds the row locked counts in a shard row of the same period, purpose and
    site, which the published numbers add up; still in its own transaction."""
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    now = utcnow()
    key = f"visits|{local_date(now).isoformat()}|meeting|Main office"
    await visits.sign_in(sign_in_form(host_id, notice.id, submission="first"), kiosk_id, now)
    other = await asyncpg.connect(current().database_url)
    try:
        async with other.transaction():  # another sign-in, still committing
            await other.execute("SELECT 1 FROM anonymous_stat WHERE key = $1 FOR UPDATE", key)
            walk_in = sign_in_form(host_id, notice.id, submission="second")
            await asyncio.wait_for(visits.sign_in(walk_in, kiosk_id, now), 10)  # its one statement
            general = sign_in_form(host_id, notice.id)  # sign_in's transaction
            await asyncio.wait_for(visits.sign_in(general, kiosk_id, now), 10)
    finally:
        await other.close()
    rows = await counters()
    assert rows[key] == 1
    shards = {k: n for k, n in rows.items() if k != key}
    assert sum(shards.values()) == 2
    assert all(k.startswith("#") and k.endswith("|" + key) for k in shards), shards
    period = Period("month", statistics.local_month(now))
    published = Report(await fetch(PERIOD_COUNTERS, period.first, period.end), period, "en")
    assert published.sum("visits", "meeting", "Main office") == 3
    # A sign-in that is rolled back counts nothing, in a shard or not.
    again = sign_in_form(host_id, notice.id)
    assert await rolled_back(lambda: visits.sign_in(again, kiosk_id, now)) == {}


async def test_a_visit_counts_on_its_local_day(notices):
    host_id = await host()
    notice = await current_notice("visitor", "en")
    late = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)  # 00:30 on the 15th in Copenhagen
    form = sign_in_form(host_id, notice.id, purpose="interview", submission="late")
    assert await moved(lambda: visits.sign_in(form, None, late)) == {
        "visits|2026-03-15|interview|Main office": 1
    }


async def test_stage_moves_count_the_stage_its_time_and_the_time_to_hire(notices):
    hr = Actor("staff", (await staff_member("hr"))[0], "hr")
    position = await open_position()
    arrived = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    app = await consenting_application(position, created_at=arrived)
    aid = app["application_id"]

    def move(to: str, version: int, days: float):  # type: ignore[no-untyped-def]
        at = arrived + timedelta(days=days)
        return lambda: pipeline.move_stage(hr, aid, position, to, version, at)

    march = "2026-03-01"
    assert await moved(move("screening", 0, 2)) == {
        f"stage_reached|{march}|screening": 1,
        f"time_in_stage|{march}|received|1-3d": 1,  # the time to first review
    }
    # Someone else moved it meanwhile: refused, nothing counted.
    with pytest.raises(Conflict):
        await move("interview", 0, 3)()
    assert await rolled_back(move("interview", 1, 3)) == {}
    assert await moved(move("interview", 1, 6)) == {
        f"stage_reached|{march}|interview": 1,
        f"time_in_stage|{march}|screening|3-7d": 1,
    }
    assert await moved(move("offer", 2, 6.5)) == {
        f"stage_reached|{march}|offer": 1,
        f"time_in_stage|{march}|interview|0-1d": 1,
    }
    assert await moved(move("hired", 3, 9)) == {
        f"stage_reached|{march}|hired": 1,
        f"time_in_stage|{march}|offer|1-3d": 1,
        f"time_to_hire|{march}||7-14d": 1,
    }


async def test_consent_given_and_withdrawn_and_a_withdrawal_from_the_process(notices):
    app = await consenting_application(await open_position(), m=True, n=False)
    cid = app["candidate_id"]

    def change(purpose: str, given: bool, **more):  # type: ignore[no-untyped-def]
        return lambda: candidate_rights.change_consent(
            cid, purpose, given, language="en", ip_prefix="192.0.2.0", now=utcnow(), **more
        )

    assert await moved(change("marketing", True)) == {f"consent|{month()}|marketing|given": 1}
    assert await rolled_back(change("marketing", False)) == {}
    assert await moved(change("marketing", False)) == {
        f"consent|{month()}|marketing|withdrawn": 1
    }
    assert await moved(change("marketing", False)) == {}  # nothing changed: nothing counted
    # Withdrawing the last evaluation consent withdraws the candidate from their open
    # application (a decision) and erases them; the erasure itself counts nothing.
    assert await moved(change("m", False, confirm_erase=True)) == {
        f"consent|{month()}|m|withdrawn": 1,
        f"stage_reached|{month()}|withdrawn": 1,
    }


async def test_rights_requests_count_when_received_and_when_answered_on_time_or_late():
    admin = Actor("staff", (await staff_member("admin"))[0], "admin")
    now = utcnow()

    async def receive(kind: str) -> int:
        async with transaction():
            row = await rights_requests.open_request(kind, "visitor", now, name="V", email="v@x.dk")
        return int(row.id)

    ids: list[int] = []

    async def received() -> None:
        ids.append(await receive("access"))

    assert await moved(received) == {f"rights_received|{month()}|access": 1}
    assert await rolled_back(lambda: rights_requests.open_request("erasure", "visitor", now)) == {}
    on_time = lambda: requests_queue.close(admin, ids[0], "done", "sent", now)  # noqa: E731
    assert await moved(on_time) == {f"rights_answered|{month()}|access|on_time": 1}
    late_id = await receive("correction")
    answered = now + timedelta(days=40)  # past its one-month deadline
    late_month = statistics.local_month(answered).isoformat()
    assert await moved(lambda: requests_queue.close(admin, late_id, "done", "ok", answered)) == {
        f"rights_answered|{late_month}|correction|late": 1
    }
    with pytest.raises(Conflict):  # answered twice: refused, counted once
        await requests_queue.close(admin, late_id, "done", "again", answered)
