"""Logs hold no personal data (issue 7 item 5; SECURITY.md "Privacy in the plumbing"): a full
candidate, visitor and HR journey through a real server, with planted markers (name, e-mail,
phone, password, tokens, CV text, the full IP sent through X-Forwarded-For from 127.0.0.1 with
INTAKE_TRUSTED_PROXIES=127.0.0.1); none may appear in the captured server output."""

import re
import uuid

import httpx
import pytest

from app.clock import utcnow
from app.tables import Application, CVFile, Position
from tests.factories import host, staff_member
from tests.helpers import csrf_from
from tests.portal.support import latest_signin_token
from tests.security.servers import ProxiedLiveServer, TestProcessPool, server_env

TAG = uuid.uuid4().hex[:8]
FULL_IP = "203.0.113.77"
MARK = {
    "name": f"Zebulon Markerson{TAG}",
    "email": f"zebulon.{TAG}@example.org",
    "bad_email": f"not-an-email-{TAG}",
    "phone": "+45 98 76 54 32",
    "cv": f"CVTEXT-{TAG}-secret-skills",
    "cover": f"COVER-{TAG}",
    "visitor": f"Vilhelmina Visitormark{TAG}",
    "company": f"Markcorp{TAG}",
    "staff_email": f"hr.{TAG}@example.org",
    "unknown_email": f"nobody.{TAG}@example.org",
    "password": f"marker password {TAG} long enough",
    "wrong_password": f"wrong password {TAG} long enough",
    "comment": f"COMMENT-{TAG}",
    "ip": FULL_IP,
    "ipv6": "2001:db8:1234:5678:9abc",
}
FULL_IPV6 = "2001:db8:1234:5678:9abc::77"
HEADERS = {"x-forwarded-for": FULL_IP, "accept": "text/html"}


@pytest.fixture
def server():
    live = ProxiedLiveServer(server_env(INTAKE_SCHEDULER="1")).start()
    yield live
    live.stop()


async def candidate_journey(http: httpx.AsyncClient, tokens: list[str]) -> int:
    from app.privacy.notices import ensure_default_notices
    from tests.factories import open_position

    await ensure_default_notices(utcnow())
    position_id = await open_position()
    slug = (await Position.select(Position.slug).where(Position.id == position_id).first())["slug"]
    page = await http.get(f"/apply/{slug}", headers=HEADERS)
    fields = {"full_name": MARK["name"], "phone": MARK["phone"], "cover_letter": MARK["cover"],
              "consent_m": "true", "consent_n": "true", "_csrf_token": csrf_from(page.text)}
    cv = b"%PDF-1.4\n% " + MARK["cv"].encode() + b"\n%%EOF\n"
    bad = await http.post(f"/apply/{slug}", headers=HEADERS, files={"cv": ("cv.pdf", cv)},
                          data={**fields, "email": MARK["bad_email"]})
    assert bad.status_code == 400
    fields["_csrf_token"] = csrf_from(bad.text)
    done = await http.post(f"/apply/{slug}", headers=HEADERS, files={"cv": ("cv.pdf", cv)},
                           data={**fields, "email": MARK["email"]})
    assert done.status_code == 200, done.text[:300]
    token = await latest_signin_token(MARK["email"])
    tokens.append(token)
    confirm = await http.get(f"/me/signin/{token}", headers=HEADERS)
    signed = await http.post(f"/me/signin/{token}", headers=HEADERS,
                             data={"_csrf_token": csrf_from(confirm.text)})
    assert signed.status_code == 303
    tokens.append(http.cookies.get("intake_candidate") or "")
    assert (await http.get("/me", headers=HEADERS)).status_code == 200
    assert (await http.get("/me/export", headers=HEADERS)).status_code == 200
    return position_id


async def visitor_journey(http: httpx.AsyncClient, tokens: list[str]) -> None:
    from app.visits.kiosks import create_kiosk

    host_id = await host()
    pairing = await create_kiosk("Front desk", "Lobby", utcnow())
    tokens.append(pairing.code)
    enrolled = await http.post("/api/kiosk/enrol", headers=HEADERS,
                               json={"pairing_code": pairing.code})
    assert enrolled.status_code == 201, enrolled.text
    credential = enrolled.json()["credential"]
    tokens.append(credential)
    bearer = {**HEADERS, "authorization": f"Bearer {credential}", "accept": "application/json"}
    notice = (await http.get("/api/kiosk/notice", headers=bearer)).json()
    badge = await http.post("/api/kiosk/sign-in", headers=bearer, json={
        "visitor_name": MARK["visitor"], "company": MARK["company"], "host_id": host_id,
        "purpose": "meeting", "notice_id": notice["notice_id"], "language": "en"})
    assert badge.status_code == 201, badge.text
    code = badge.json()["signout_code"]
    tokens.append(code)
    wrong = await http.post("/api/kiosk/sign-out", headers=bearer, json={"code": "ZZZZZZ"})
    assert wrong.status_code in (400, 404, 429)
    out = await http.post("/api/kiosk/sign-out", headers=bearer, json={"code": code})
    assert out.status_code in (200, 201), out.text


async def hr_journey(http: httpx.AsyncClient, tokens: list[str], position_id: int) -> None:
    await staff_member("hr", email=MARK["staff_email"], password=MARK["password"])
    page = await http.get("/console/login", headers={**HEADERS, "x-forwarded-for": FULL_IPV6})
    await http.post("/console/login", headers={**HEADERS, "x-forwarded-for": FULL_IPV6}, data={
        "email": MARK["unknown_email"], "password": "x", "_csrf_token": csrf_from(page.text)})
    for email, password in ((MARK["unknown_email"], MARK["password"]),
                            (MARK["staff_email"], MARK["wrong_password"]),
                            (MARK["staff_email"], MARK["password"])):
        response = await http.post("/console/login", headers=HEADERS, data={
            "email": email, "password": password, "_csrf_token": csrf_from(page.text)})
        if response.status_code == 400:
            page = response
    assert response.status_code == 303, response.text[:300]
    tokens.append(http.cookies.get("intake_staff") or "")
    application = await Application.select().where(Application.position == position_id).first()
    cv = await CVFile.select().where(CVFile.application == application["id"]).first()
    base = f"/console/positions/{position_id}/applications/{application['id']}"
    detail = await http.get(base, headers=HEADERS)
    assert detail.status_code == 200 and MARK["name"] in detail.text
    assert (await http.get(f"{base}/cv/{cv['id']}", headers=HEADERS)).status_code == 200
    comment = await http.post(f"{base}/comment", headers=HEADERS, data={
        "body": MARK["comment"], "_csrf_token": csrf_from(detail.text)})
    assert comment.status_code in (200, 303), comment.text[:300]


async def test_no_marker_reaches_the_server_log(server):
    tokens: list[str] = []
    async with TestProcessPool(), httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        position_id = await candidate_journey(http, tokens)
        tokens.append(http.cookies.get("intake_csrf") or "")
        http.cookies.clear()
        await visitor_journey(http, tokens)
        await hr_journey(http, tokens, position_id)
        # The forwarded address reached the app (so a leak of it could have happened) and was
        # stored truncated: the consent ledger holds 203.0.113.0.
        from app.tables import ConsentEvent

        prefixes = {r["ip_prefix"] for r in await ConsentEvent.select(ConsentEvent.ip_prefix)}
        assert prefixes == {"203.0.113.0"}, prefixes
        # The scraper's view of the same journeys (issue 18.6): no marker in any label either.
        metrics = await http.get("/metrics")
        assert metrics.status_code == 200
        assert 'route="/api/kiosk/sign-in"' in metrics.text and "intake_outbox_backlog" in metrics.text
        hidden = await http.get("/metrics", headers=HEADERS)  # from a stranger's address
        assert hidden.status_code == 404
    server.stop()  # flush everything, shutdown lines included
    metric_leaks = {k: v for k, v in MARK.items() if v.lower() in metrics.text.lower()}
    metric_leaks.update({f"token {t[:6]}...": t for t in tokens if t and len(t) >= 6
                         and t in metrics.text})
    assert not metric_leaks, f"personal data in /metrics: {sorted(metric_leaks)}"
    log = server.output()
    assert "intake.access" in log and "/api/kiosk/sign-in" in log  # the log was captured
    leaks = {k: v for k, v in MARK.items() if v.lower() in log.lower()}
    leaks.update({f"token {t[:6]}...": t for t in tokens if t and len(t) >= 6 and t in log})
    # any IPv4 address with a last octet other than 0 (a truncated one ends in .0)
    full_ips = {ip for ip in re.findall(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", log)
                if not ip.endswith(".0") and ip != "127.0.0.1"}
    assert not leaks, f"personal data in the log: {sorted(leaks)}"
    assert not full_ips, f"full IP addresses in the log: {full_ips}"
