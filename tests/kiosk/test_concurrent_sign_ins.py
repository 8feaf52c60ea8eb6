"""50 visitors signing in at the same moment through a real server (SECURITY.md
"Reliability": 50 concurrent kiosk sign-ins all succeed), on SQLite and on PostgreSQL."""

import asyncio

import httpx

from app.clock import utcnow
from app.privacy.notices import current_notice
from app.tables import HostSite, OutboxMail, Visit
from app.visits.kiosks import create_kiosk, enrol
from app.visits.sites import SiteFields, create_site, first_site_id
from tests.factories import host


async def test_fifty_concurrent_sign_ins_over_two_sites_through_the_live_server(
    live_server, notices
):
    """Issue 19: 50 sign-ins at once, spread over the kiosks of two sites, each visitor to a
    host of the kiosk's own site."""
    first = await first_site_id()
    aarhus = await create_site(SiteFields("Aarhus"), utcnow())
    hosts = {first: await host(), aarhus: await host("Anders Aarhus", "anders@example.org")}
    await HostSite.update({HostSite.site: aarhus}).where(HostSite.host == hosts[aarhus])
    notice = await current_notice("visitor", "en")
    tablets = {}
    for site_id in (first, aarhus):
        pairing = await create_kiosk(f"Front {site_id}", "Lobby", utcnow(), site_id)
        tablets[site_id] = (await enrol(pairing.code, "192.0.2.0", utcnow())).credential

    async with httpx.AsyncClient(
        base_url=live_server.url, timeout=60, limits=httpx.Limits(max_connections=50)
    ) as http:

        async def one(i: int) -> httpx.Response:
            site_id = (first, aarhus)[i % 2]
            return await http.post(
                "/api/kiosk/sign-in",
                headers={"authorization": f"Bearer {tablets[site_id]}"},
                json={
                    "visitor_name": f"Visitor {i}",
                    "host_id": hosts[site_id],
                    "purpose": "meeting",
                    "notice_id": notice.id,
                    "submission_id": f"concurrent-{i}",
                },
            )

        responses = await asyncio.gather(*[one(i) for i in range(50)])
    assert [r.status_code for r in responses] == [201] * 50, [r.text for r in responses][:3]
    assert len({r.json()["signout_code"] for r in responses}) == 50
    assert await Visit.count() == 50 and await OutboxMail.count() == 50
    for site_id in (first, aarhus):
        at_site = await Visit.select(Visit.host, Visit.kiosk.site).where(Visit.site == site_id)
        assert len(at_site) == 25
        assert {(v["host"], v["kiosk.site"]) for v in at_site} == {(hosts[site_id], site_id)}


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
