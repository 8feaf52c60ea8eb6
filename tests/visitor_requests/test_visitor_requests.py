"""A visitor's request carried out from the queue: the visits that may be theirs are listed
(same name within a few days, or pre-registered with their e-mail), staff tick theirs, and
exactly those are downloaded (access) or erased through the erasure service (erasure)."""

import json
import uuid
from datetime import timedelta

from app.clock import utcnow
from app.privacy.notices import current_notice
from app.tables import (
    AuditEvent,
    DeletionReceipt,
    ExpectedVisit,
    RightsRequest,
    Visit,
)
from app.visits import visits
from app.visits.local_time import local_date
from tests.console.support import audit_actions, post_on, signed_in
from tests.factories import enrolled_kiosk, host, visit_row
from tests.helpers import csrf_from
from tests.stats_support import counters

NAME = "Åse Ødegaard"
EMAIL = "aase@example.org"


async def kiosk_visit(name: str, days_ago: int, kiosk_id: int, host_id: int) -> int:
    notice = await current_notice("visitor", "da")
    await visits.sign_in(
        visits.SignIn(visitor_name=name, host_id=host_id, purpose="meeting", language="da",
                      notice_id=notice.id, company="Fjord ApS"),
        kiosk_id, utcnow() - timedelta(days=days_ago))
    return int((await Visit.select(Visit.id).order_by(Visit.id, ascending=False).first())["id"])


async def world() -> dict[str, int]:
    """Mine (by name, lower-cased), mine (pre-registered with my e-mail under another
    spelling), a namesake outside the window, and a stranger on the same day."""
    host_id = await host("Hanne Host")
    kiosk_id, _ = await enrolled_kiosk("Front desk")
    mine = await kiosk_visit(NAME.lower(), 2, kiosk_id, host_id)
    old = await kiosk_visit(NAME, 20, kiosk_id, host_id)
    stranger = await kiosk_visit("Bo Berg", 2, kiosk_id, host_id)
    invited, _ = await visit_row("A. Odegaard", signed_in_at=utcnow() - timedelta(days=9))
    expected = ExpectedVisit(visitor_name="A. Odegaard", visitor_email="AASE@Example.org",
                             expected_on=local_date(utcnow()), code_hash=uuid.uuid4().hex)
    await expected.save()
    await Visit.update({Visit.expected_visit: expected.id}).where(Visit.id == invited)
    return {"mine": mine, "old": old, "stranger": stranger, "invited": invited,
            "expected": int(expected.id)}


async def visitor_asks(client, kind: str) -> int:
    page = await client.get("/visitor-rights")
    day = local_date(utcnow() - timedelta(days=1)).isoformat()  # a day off: still found
    sent = await client.post("/visitor-rights", data={
        "_csrf_token": csrf_from(page.text), "kind": kind, "name": NAME, "email": EMAIL,
        "visit_date": day})
    assert sent.status_code == 303
    return int((await RightsRequest.select(RightsRequest.id).first())["id"])


async def test_access_downloads_exactly_the_ticked_visits(client, notices):
    w = await world()
    rid = await visitor_asks(client, "access")
    await signed_in(client, "hr")
    detail = await client.get(f"/console/requests/{rid}")
    assert f'href="/console/requests/{rid}/visits"' in detail.text
    page = f"/console/requests/{rid}/visits"
    listed = await client.get(page)
    assert listed.status_code == 200
    for shown in ("mine", "invited"):
        assert f'value="{w[shown]}"' in listed.text, shown
    for hidden in ("old", "stranger"):
        assert f'value="{w[hidden]}"' not in listed.text, hidden
    assert "Bo Berg" not in listed.text
    assert "visitor_visits_matched" in await audit_actions()

    response = await post_on(client, page, page + "/access", {"visit": str(w["mine"])})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    document = json.loads(response.content)
    assert len(document["visits"]) == 1
    exported = document["visits"][0]
    assert exported["visitor_name"] == NAME.lower() and exported["host"] == "Hanne Host"
    assert exported["kiosk"] == "Front desk" and exported["language"] == "da"
    assert exported["notice_version"] == 1 and exported["signed_in_at"]
    assert "A. Odegaard" not in response.text  # not ticked, not sent
    events = await AuditEvent.select().where(AuditEvent.action == "data_exported")
    assert len(events) == 1 and events[0]["object_id"] == str(rid)
    assert NAME not in str(events) and EMAIL not in str(events)  # the log names no one


async def test_forged_or_missing_ticks_change_nothing(client, notices):
    w = await world()
    rid = await visitor_asks(client, "erasure")
    await signed_in(client, "admin")
    page = f"/console/requests/{rid}/visits"
    for bad in ({"visit": str(w["stranger"])}, {"visit": "999999"}, {"visit": "x"}, {}):
        response = await post_on(client, page, page + "/erase", bad)
        assert response.status_code == 400, bad
    access = await post_on(client, page, page + "/access", {"visit": str(w["mine"])})
    assert access.status_code == 409  # an erasure request does not export
    assert await Visit.count() == 4 and await DeletionReceipt.count() == 0


async def test_erasure_erases_exactly_the_ticked_visits_through_the_erasure_service(
        client, notices):
    w = await world()
    rid = await visitor_asks(client, "erasure")
    await signed_in(client, "hr")
    page = f"/console/requests/{rid}/visits"
    shown = await client.get(page)
    before = await counters()
    response = await client.post(page + "/erase", data={
        "_csrf_token": csrf_from(shown.text), "visit": [str(w["mine"]), str(w["invited"])]})
    assert response.status_code == 303
    assert response.headers["location"] == page + "?erased=2"
    left = {r["id"] for r in await Visit.select(Visit.id)}
    assert left == {w["old"], w["stranger"]}
    assert not await ExpectedVisit.exists().where(ExpectedVisit.id == w["expected"])
    receipts = {r["kind"] for r in await DeletionReceipt.select(DeletionReceipt.kind)}
    assert receipts == {"visit", "expected_visit"} and await DeletionReceipt.count() == 3
    assert await counters() == before  # erasure changes no statistic (issue 20)
    actions = await audit_actions()
    assert actions.count("erasure") == 2 and "visitor_request_erased" in actions
    after = await client.get(response.headers["location"])  # a reload erases nothing more
    assert after.status_code == 200 and 'id="erased"' in after.text
    assert await Visit.count() == 2
    detail = f"/console/requests/{rid}"
    closed = await post_on(client, detail, detail + "/close",
                           {"status": "done", "outcome": "2 visits erased"})
    assert closed.status_code == 303
    row = await RightsRequest.select().where(RightsRequest.id == rid).first()
    assert row["status"] == "done" and row["outcome"] == "2 visits erased"
    again = await post_on(client, page, page + "/erase", {"visit": str(w["old"])})
    assert again.status_code == 409 and await Visit.count() == 2


async def test_reception_cannot_reach_the_queue(client, notices):
    w = await world()
    rid = await visitor_asks(client, "access")
    await signed_in(client, "reception")
    listed = await client.get(f"/console/requests/{rid}/visits")
    assert listed.status_code == 403 and NAME.lower() not in listed.text
    assert w["mine"]
