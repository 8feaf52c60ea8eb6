"""50 visitors signing in at the same moment through a real server (SECURITY.md
"Reliability": 50 concurrent kiosk sign-ins all succeed), on SQLite and on PostgreSQL."""

import asyncio

import httpx

from app.clock import utcnow
from app.privacy.notices import current_notice
from app.tables import OutboxMail, Visit
from app.visits.kiosks import create_kiosk, enrol
from tests.factories import host


async def test_fifty_concurrent_sign_ins_through_the_live_server(live_server, notices):
    host_id = await host()
    notice = await current_notice("visitor", "en")
    pairing = await create_kiosk("Front", "Lobby", utcnow())
    credential = (await enrol(pairing.code, "192.0.2.0", utcnow())).credential
    headers = {"authorization": f"Bearer {credential}"}

    async with httpx.AsyncClient(
        base_url=live_server.url, timeout=60, limits=httpx.Limits(max_connections=50)
    ) as http:

        async def one(i: int) -> httpx.Response:
            return await http.post(
                "/api/kiosk/sign-in",
                headers=headers,
                json={
                    "visitor_name": f"Visitor {i}",
                    "host_id": host_id,
                    "purpose": "meeting",
                    "notice_id": notice.id,
                    "submission_id": f"concurrent-{i}",
                },
            )

        responses = await asyncio.gather(*[one(i) for i in range(50)])
    assert [r.status_code for r in responses] == [201] * 50, [r.text for r in responses][:3]
    assert len({r.json()["signout_code"] for r in responses}) == 50
    assert await Visit.count() == 50 and await OutboxMail.count() == 50


async def test_one_form_sent_ten_times_at_once_signs_in_one_visitor(live_server, notices):
    """A double tap, many times over: the visit's unique form hash lets one through; the others
    are told the form was already sent, and nothing else is stored."""
    host_id = await host()
    notice = await current_notice("visitor", "en")
    pairing = await create_kiosk("Front", "Lobby", utcnow())
    credential = (await enrol(pairing.code, "192.0.2.0", utcnow())).credential
    form = {"visitor_name": "Ann Twice", "host_id": host_id, "purpose": "meeting",
            "notice_id": notice.id, "submission_id": "the-same-form"}
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        responses = await asyncio.gather(*[
            http.post("/api/kiosk/sign-in", json=form,
                      headers={"authorization": f"Bearer {credential}"})
            for _ in range(10)
        ])
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    assert await Visit.count() == 1 and await OutboxMail.count() == 1
