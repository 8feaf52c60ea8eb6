"""Reception, kiosks and hosts in the console; the public visitor-rights page."""

import re
from datetime import timedelta

from app.clock import utcnow
from app.privacy.notices import current_notice
from app.tables import AuditEvent, ExpectedVisit, Host, Kiosk, OutboxMail, RightsRequest, Visit
from app.visits import visits
from app.visits.local_time import local_date
from tests.factories import host, staff_member
from tests.helpers import csrf_from, login_staff, post_form


async def signed_in(name: str = "Ann Visitor") -> visits.Badge:
    host_id = (await Host.select(Host.id).first() or {}).get("id") or await host()
    notice = await current_notice("visitor", "en")
    return await visits.sign_in(
        visits.SignIn(visitor_name=name, host_id=host_id, purpose="meeting", language="en",
                      notice_id=notice.id), None, utcnow())


async def test_only_reception_and_admin_see_the_desk(client, notices):
    await signed_in()
    _, email, password = await staff_member("hr")
    await login_staff(client, email, password)
    for path in ("/console/reception", "/console/reception/log", "/console/kiosks",
                 "/console/reception/evacuation", "/console/hosts"):
        response = await client.get(path)
        assert response.status_code == 403 and "Ann Visitor" not in response.text, path


async def test_reception_sees_who_is_on_site_and_signs_them_out(client, notices):
    await signed_in()
    _, email, password = await staff_member("reception")
    await login_staff(client, email, password)
    desk = await client.get("/console/reception")
    assert desk.status_code == 200 and "Ann Visitor" in desk.text
    assert 'data-refresh-seconds' in desk.text and "reception.js" in desk.text
    evacuation = await client.get("/console/reception/evacuation")
    assert "Ann Visitor" in evacuation.text and "reception.css" in evacuation.text
    visit_id = (await Visit.select(Visit.id).first())["id"]
    out = await client.post(f"/console/reception/visits/{visit_id}/sign-out",
                            data={"_csrf_token": csrf_from(desk.text)})
    assert out.status_code == 303
    row = await Visit.select().first()
    assert row["signed_out_by"] == "reception" and row["erase_after"] is not None
    assert await AuditEvent.exists().where(AuditEvent.action == "visit_signed_out")
    assert "Ann Visitor" not in (await client.get("/console/reception")).text.split("Expected")[0]
    log = await client.get("/console/reception/log?q=ann")
    assert "Ann Visitor" in log.text
    assert "Ann Visitor" not in (await client.get("/console/reception/log?q=zzz")).text


async def test_reception_pre_registers_a_visitor(client, notices):
    host_id = await host()
    _, email, password = await staff_member("reception")
    await login_staff(client, email, password)
    today = local_date(utcnow()).isoformat()
    response = await post_form(client, "/console/reception/expected", {
        "visitor_name": "Bo Berg", "visitor_email": "bo@example.org", "host_id": str(host_id),
        "expected_on": today, "company": "", "purpose": "meeting"},
        token_from="/console/reception")
    assert response.status_code == 303
    assert await ExpectedVisit.count() == 1
    assert await OutboxMail.exists().where(OutboxMail.to_address == "bo@example.org")
    assert "Bo Berg" in (await client.get("/console/reception")).text
    bad = await post_form(client, "/console/reception/expected", {
        "visitor_name": "", "visitor_email": "nope", "host_id": "999",
        "expected_on": "yesterday"}, token_from="/console/reception")
    assert bad.status_code == 400 and await ExpectedVisit.count() == 1


async def test_kiosks_are_created_with_a_one_time_code_and_revoked(client):
    _, email, password = await staff_member("reception")
    await login_staff(client, email, password)
    created = await post_form(client, "/console/kiosks", {"name": "Front", "location": "Lobby"})
    assert created.status_code == 303  # POST-redirect-GET: the GET shows the code once
    created = await client.get(created.headers["location"])
    code = re.search(r'id="pairing-code">([A-Z0-9]+)<', created.text).group(1)
    row = await Kiosk.select().first()
    assert code not in str(row)
    assert row["pairing_expires_at"] - utcnow() <= timedelta(minutes=10)
    revoke = await post_form(client, f"/console/kiosks/{row['id']}/revoke", {},
                             token_from="/console/kiosks")
    assert revoke.status_code == 303


async def test_admins_keep_the_hosts(client):
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    added = await post_form(client, "/console/hosts", {"name": "Hanne", "email": "h@example.org",
                                                       "active": "true"})
    assert added.status_code == 303
    row = await Host.select().first()
    assert row["active"] is True
    await post_form(client, f"/console/hosts/{row['id']}", {"name": "Hanne", "email":
                    "h@example.org"}, token_from="/console/hosts")
    assert (await Host.select().first())["active"] is False
    bad = await post_form(client, "/console/hosts", {"name": "", "email": "x"})
    assert bad.status_code == 400 and await Host.count() == 1


async def test_a_visitor_asks_for_erasure_and_it_lands_in_the_queue(client):
    page = await client.get("/visitor-rights")
    assert page.status_code == 200
    response = await client.post("/visitor-rights", data={
        "_csrf_token": csrf_from(page.text), "kind": "erasure", "name": "Ann Visitor",
        "email": "ann@example.org", "visit_date": "2026-11-01", "details": "Blue coat"})
    assert response.status_code == 303
    row = await RightsRequest.select().first()
    assert row["kind"] == "erasure" and row["requester_kind"] == "visitor"
    assert row["due_at"] > utcnow() + timedelta(days=27)
    bad = await client.post("/visitor-rights", data={
        "_csrf_token": csrf_from(page.text), "kind": "everything", "name": "", "email": "x",
        "visit_date": ""})
    assert bad.status_code == 400 and await RightsRequest.count() == 1


async def test_reception_reads_of_visitors_are_audited_without_the_data(client, notices):
    """Issue 16 item 13: the desk, the evacuation list and the visit log each write an audit
    record naming who read which list and how many visits it showed; no name, company or
    search text is copied into the audit."""
    await signed_in("Zelda Quuxvisitor")
    member_id, email, password = await staff_member("reception")
    await login_staff(client, email, password)
    await AuditEvent.delete(force=True)
    for path in ("/console/reception", "/console/reception/evacuation",
                 "/console/reception/log", "/console/reception/log?q=quuxv"):
        assert (await client.get(path)).status_code == 200, path
    rows = await AuditEvent.select().order_by(AuditEvent.id)
    assert [r["action"] for r in rows] == ["reception_desk_viewed", "evacuation_list_viewed",
                                           "visit_log_viewed", "visit_log_searched"]
    for r in rows:
        assert (r["actor_kind"], r["actor_id"], r["actor_role"]) == ("staff", member_id,
                                                                     "reception")
        assert r["subject_kind"] == "visits" and r["reason"] == "1 shown"
        stored = " ".join(str(v) for v in r.values()).lower()
        assert "zelda" not in stored and "quux" not in stored
