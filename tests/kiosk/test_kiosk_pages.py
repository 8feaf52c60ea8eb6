"""The kiosk over HTTP: only enrolled tablets, the flow in the chosen language, bad input."""

import re
from datetime import UTC, datetime

from app.clock import utcnow
from app.privacy.notices import current_notice
from app.tables import Kiosk, OutboxMail, Visit
from app.visits.kiosks import create_kiosk, revoke
from tests.console.support import signed_in
from tests.factories import enrolled_kiosk, host
from tests.helpers import csrf_from


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


async def as_kiosk(client) -> int:
    kiosk_id, credential = await enrolled_kiosk()
    client.cookies.set("intake_kiosk", credential, domain="testserver.local")
    return kiosk_id


async def test_an_unenrolled_or_revoked_device_gets_nothing(client, notices):
    await host()
    for path in (
        "/kiosk/notice?language=en",
        "/kiosk/details",
        "/kiosk/sign-out",
        "/api/kiosk/hosts",
    ):
        assert (await client.get(path)).status_code == 403, path
    home = await client.get("/kiosk")
    assert "Pairing code" in home.text and "Hanne" not in home.text
    kiosk_id = await as_kiosk(client)
    assert (await client.get("/kiosk/details")).status_code == 200
    await revoke(kiosk_id, utcnow())
    assert (await client.get("/kiosk/details")).status_code == 403
    assert "Pairing code" in (await client.get("/kiosk")).text


async def test_pairing_at_the_tablet_sets_a_strict_httponly_cookie(client):
    pairing = await create_kiosk("Front", "Lobby", utcnow())
    page = await client.get("/kiosk")
    wrong = await client.post(
        "/kiosk/pair", data={"code": "AAAAAAAA", "_csrf_token": csrf_from(page.text)}
    )
    assert wrong.status_code == 400 and "wrong or has expired" in wrong.text
    ok = await client.post(
        "/kiosk/pair", data={"code": pairing.code.lower(), "_csrf_token": csrf_from(page.text)}
    )
    assert ok.status_code == 303
    cookie = next(
        v
        for k, v in ok.headers.multi_items()
        if k == "set-cookie" and v.startswith("intake_kiosk=")
    )
    assert "httponly" in cookie.lower() and "secure" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    assert (await Kiosk.select().first())["credential_hash"] != cookie


async def test_the_kiosk_list_says_the_day_a_tablet_was_last_seen(client):
    """A tablet unplugged for a week must not read as seen at 00:30 today."""
    await create_kiosk("Front", "Lobby", utcnow())
    await Kiosk.update({Kiosk.last_seen_at: datetime(2026, 11, 3, 23, 30, tzinfo=UTC)}).where(
        Kiosk.name == "Front"
    )
    await signed_in(client, "admin")
    page = await client.get("/console/kiosks?lang=en")
    assert "4 November 2026 00:30 CET" in page.text  # Copenhagen's day, with the zone


async def test_the_whole_flow_in_danish_records_the_notice_and_mails_the_host(client, notices):
    host_id = await host()
    await as_kiosk(client)
    notice = await client.get("/kiosk/notice?language=da")
    assert notice.status_code == 200 and "Privatlivserklæring" in notice.text
    notice_id = re.search(r"notice=(\d+)", notice.text).group(1)
    details = await client.get(f"/kiosk/details?language=da&notice={notice_id}")
    assert 'autocomplete="off"' in details.text
    form = {
        "_csrf_token": csrf_from(details.text),
        "language": "da",
        "notice_id": notice_id,
        "submission": hidden(details.text, "submission"),
        "visitor_name": "Ann Visitor",
        "company": "Acme",
        "host_id": str(host_id),
        "purpose": "meeting",
    }
    confirm = await client.post("/kiosk/confirm", data=form)
    assert confirm.status_code == 200 and "Ann Visitor" in confirm.text
    assert await Visit.count() == 0  # nothing stored before the visitor confirms
    badge = await client.post("/kiosk/sign-in", data=form)
    assert badge.status_code == 200 and 'data-qr="HTTPS://TESTSERVER.LOCAL/OUT/' in badge.text
    assert badge.headers["cache-control"] == "no-store"  # the badge is never cached
    assert "<script>" not in badge.text and "style=" not in badge.text  # CSP-clean
    code = re.search(r'id="signout-code">([A-Z0-9]+)<', badge.text).group(1)
    visit = await Visit.select().first()
    assert visit["notice_version"] == int(notice_id) and visit["language"] == "da"
    assert await OutboxMail.count() == 1
    # The same form again (the back button, a replay): refused, nothing doubled.
    replay = await client.post("/kiosk/sign-in", data=form)
    assert replay.status_code == 409 and await Visit.count() == 1
    # Sign out with the code.
    out_page = await client.get("/kiosk/sign-out?language=da")
    out = await client.post(
        "/kiosk/sign-out",
        data={"_csrf_token": csrf_from(out_page.text), "code": code, "language": "da"},
    )
    assert out.status_code == 303
    assert (await Visit.select().first())["signed_out_by"] == "kiosk"


async def test_bad_input_gets_a_clear_message_in_the_chosen_language(client, notices):
    host_id = await host()
    await as_kiosk(client)
    notice_id = str((await current_notice("visitor", "en")).id)
    details = await client.get(f"/kiosk/details?language=en&notice={notice_id}")
    base = {
        "_csrf_token": csrf_from(details.text),
        "language": "en",
        "notice_id": notice_id,
        "submission": "x",
        "company": "",
        "purpose": "meeting",
        "host_id": str(host_id),
    }
    for bad in (
        {"visitor_name": ""},
        {"visitor_name": "x" * 5000},
        {"visitor_name": "Ann", "host_id": "99999"},
        {"visitor_name": "Ann", "host_id": "abc"},
        {"visitor_name": "Ann\x00"},
        {"visitor_name": "Ann", "notice_id": "999999"},
    ):
        response = await client.post("/kiosk/sign-in", data={**base, **bad})
        assert response.status_code == 400, bad
        assert "field-error" in response.text or "form-errors" in response.text
    unknown_host = await client.post(
        "/kiosk/sign-in", data={**base, "visitor_name": "Ann", "host_id": "99999"}
    )
    assert "Choose a host from the list." in unknown_host.text
    assert await Visit.count() == 0
    out_page = await client.get("/kiosk/sign-out?language=en")
    wrong = await client.post(
        "/kiosk/sign-out",
        data={"_csrf_token": csrf_from(out_page.text), "code": "ZZZZZZ", "language": "en"},
    )
    assert wrong.status_code == 400 and "not right" in wrong.text


async def test_a_kiosk_form_without_csrf_token_is_refused(client, notices):
    await as_kiosk(client)
    response = await client.post("/kiosk/sign-out", data={"code": "ZZZZZZ"})
    assert response.status_code == 403


async def test_danish_visitors_read_danish_screens_and_messages(client, notices):
    host_id = await host()
    await as_kiosk(client)
    details = await client.get("/kiosk/details?language=da&notice=1")
    assert "Om dit besøg" in details.text and 'lang="da"' in details.text
    response = await client.post(
        "/kiosk/confirm",
        data={
            "_csrf_token": csrf_from(details.text),
            "language": "da",
            "notice_id": "1",
            "submission": "x",
            "visitor_name": "  ",
            "host_id": str(host_id),
            "purpose": "meeting",
        },
    )
    assert response.status_code == 400
    assert "Dette felt skal udfyldes." in response.text or "Skriv venligst" in response.text
    # The choice is this visitor's only: no language cookie is left for the next one.
    assert "intake_lang" not in client.cookies


async def test_an_invited_visitor_types_only_the_code_after_reading_the_notice(client, notices):
    from app.visits.local_time import local_date
    from app.visits.preregistration import Expected, preregister

    host_id = await host()
    await as_kiosk(client)
    code = await preregister(
        Expected(
            visitor_name="Bo Berg",
            visitor_email="bo@example.org",
            host_id=host_id,
            expected_on=local_date(utcnow()),
        ),
        None,
        utcnow(),
    )
    notice = await client.get("/kiosk/notice?language=en")
    notice_id = re.search(r"notice=(\d+)", notice.text).group(1)
    form_page = await client.get(f"/kiosk/invitation?language=en&notice={notice_id}")
    token = csrf_from(form_page.text)
    wrong = await client.post(
        "/kiosk/invitation",
        data={
            "_csrf_token": token,
            "invitation_code": "ZZZZZZZZ",
            "notice_id": notice_id,
            "language": "en",
        },
    )
    assert wrong.status_code == 400 and "not valid today" in wrong.text
    confirm = await client.post(
        "/kiosk/invitation",
        data={
            "_csrf_token": token,
            "invitation_code": code,
            "notice_id": notice_id,
            "language": "en",
        },
    )
    assert confirm.status_code == 200 and "Bo Berg" in confirm.text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm.text))
    badge = await client.post("/kiosk/sign-in", data=fields)
    assert badge.status_code == 200 and "Welcome, Bo!" in badge.text
    visit = await Visit.select().first()
    assert visit["visitor_name"] == "Bo Berg" and visit["notice_version"] == int(notice_id)


async def test_no_visitor_data_reaches_the_logs(client, notices, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    host_id = await host(name="Marker Hostperson", email="marker-host@example.org")
    await as_kiosk(client)
    notice_id = str((await current_notice("visitor", "en")).id)
    details = await client.get(f"/kiosk/details?language=en&notice={notice_id}")
    form = {
        "_csrf_token": csrf_from(details.text),
        "language": "en",
        "notice_id": notice_id,
        "submission": "log-test",
        "visitor_name": "Zebulon Markername",
        "company": "Markerco",
        "host_id": str(host_id),
        "purpose": "meeting",
    }
    badge = await client.post("/kiosk/sign-in", data=form)
    code = re.search(r'id="signout-code">([A-Z0-9]+)<', badge.text).group(1)
    out_page = await client.get("/kiosk/sign-out")
    await client.post(
        "/kiosk/sign-out", data={"_csrf_token": csrf_from(out_page.text), "code": code}
    )
    logged = caplog.text
    assert "kiosk" in logged  # the access log did run
    for marker in ("Zebulon", "Markername", "Markerco", "marker-host@", code):
        assert marker not in logged, marker


async def test_the_sign_in_form_is_read_as_a_browser_sends_it(client, notices):
    """app.web.forms.form_fields: UTF-8 percent-encoded, '+' for spaces, first value of a
    repeated field (as Litestar's own parsing), and the name escaped on the badge."""
    host_id = await host()
    await as_kiosk(client)
    notice_id = str((await current_notice("visitor", "en")).id)
    details = await client.get(f"/kiosk/details?language=en&notice={notice_id}")
    body = (
        f"_csrf_token={csrf_from(details.text)}&language=en&notice_id={notice_id}"
        f"&submission=encoded-1&visitor_name=S%C3%B8ren+%3Cb%3E%C3%98rsted&visitor_name=Other"
        f"&company=A%26B&host_id={host_id}&purpose=meeting"
    )
    badge = await client.post("/kiosk/sign-in", content=body,
                              headers={"content-type": "application/x-www-form-urlencoded"})
    assert badge.status_code == 200 and "Søren" in badge.text
    visit = await Visit.select().first()
    assert (visit["visitor_name"], visit["company"]) == ("Søren <b>Ørsted", "A&B")
    assert "<b>Ørsted" not in badge.text  # only the first name is on the badge, escaped


async def test_reception_sets_a_kiosks_badge_printer_and_the_badge_page_follows(client, notices):
    from tests.factories import staff_member
    from tests.helpers import login_staff

    host_id = await host()
    kiosk_id = await as_kiosk(client)
    notice_id = str((await current_notice("visitor", "en")).id)

    async def badge(submission: str) -> str:
        details = await client.get(f"/kiosk/details?language=en&notice={notice_id}")
        form = {"_csrf_token": csrf_from(details.text), "language": "en", "notice_id": notice_id,
                "submission": submission, "visitor_name": "Ann Visitor", "host_id": str(host_id),
                "purpose": "meeting"}
        return (await client.post("/kiosk/sign-in", data=form)).text

    assert 'data-print="none"' in await badge("print-1")  # a new kiosk prints nothing
    credential = client.cookies.get("intake_kiosk")
    _, email, password = await staff_member("reception")
    await login_staff(client, email, password)
    page = await client.get("/console/kiosks")
    assert "89 x 36 mm label (Dymo)" in page.text
    token = csrf_from(page.text)
    wrong = await client.post(f"/console/kiosks/{kiosk_id}/print-layout",
                              data={"_csrf_token": token, "print_layout": "poster"})
    assert wrong.status_code == 303
    assert (await Kiosk.select(Kiosk.print_layout).first())["print_layout"] == "none"
    saved = await client.post(f"/console/kiosks/{kiosk_id}/print-layout",
                              data={"_csrf_token": token, "print_layout": "dymo89x36"})
    assert saved.headers["location"] == "/console/kiosks?printing=1"
    client.cookies.clear()
    client.cookies.set("intake_kiosk", credential, domain="testserver.local")
    printed = await badge("print-2")
    assert 'data-print="dymo89x36"' in printed and "badge-print-dymo89x36.css" in printed


async def test_no_host_is_listed_until_two_letters_are_typed(client, notices):
    """Issue 19, point 6: a walk-in never receives the list of every employee."""
    await host()
    await host(name="Ørsted Olsen", email="oo@example.org")
    await host(name="Retired Person", email="rp@example.org", active=False)
    await as_kiosk(client)
    details = await client.get("/kiosk/details?language=en&notice=1")
    assert details.status_code == 200
    for name in ("Hanne", "Ørsted", "Retired"):
        assert name not in details.text
    assert (await client.get("/kiosk/hosts?q=h")).json() == []  # one letter: nothing
    assert [h["name"] for h in (await client.get("/kiosk/hosts?q=ha")).json()] == ["Hanne Host"]
    assert [h["name"] for h in (await client.get("/kiosk/hosts?q=øRS")).json()] == ["Ørsted Olsen"]
    assert (await client.get("/kiosk/hosts?q=retired")).json() == []  # only active hosts
    assert (await client.get("/kiosk/hosts?q=%25%25")).json() == []  # wildcards are text
    client.cookies.clear()
    assert (await client.get("/kiosk/hosts?q=ha")).status_code == 403  # tablets only


async def test_back_from_confirm_shows_only_the_chosen_host(client, notices):
    host_id = await host()
    await host(name="Otto Other", email="otto@example.org")
    await as_kiosk(client)
    details = await client.get("/kiosk/details?language=en&notice=1")
    form = {"_csrf_token": csrf_from(details.text), "language": "en", "notice_id": "1",
            "submission": "s", "visitor_name": "Ann", "host_id": str(host_id),
            "purpose": "meeting"}
    back = await client.post("/kiosk/edit", data=form)
    assert "Hanne Host" in back.text and "checked" in back.text and "Otto" not in back.text


async def test_the_notice_waits_120_seconds_and_the_form_30(client, notices):
    await as_kiosk(client)
    notice = await client.get("/kiosk/notice?language=da")
    assert 'data-idle-seconds="120"' in notice.text
    details = await client.get("/kiosk/details?language=da&notice=1")
    assert 'data-idle-seconds="30"' in details.text
