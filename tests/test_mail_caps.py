"""Mail cannot be sent without limit (issue 16, point 4): each action that mails (or, for the
visitor-rights form, fills the staff's queue) is capped per recipient and per client, with a
429 and a clear message in the user's language beyond the cap, and nothing sent. The caps
are set small here; their defaults are in app.config.MailCaps."""

import re
from datetime import timedelta

import msgspec
import pytest

from app.clock import utcnow
from app.config import Cap, MailCaps, load_settings, use
from app.errors import MailCapped
from app.privacy.notices import current_notice
from app.tables import OutboxMail, RightsRequest, Visit
from app.visits import visits
from tests.factories import enrolled_kiosk, host, staff_member
from tests.helpers import csrf_from, form_token
from tests.portal.support import apply_via_portal, position_slug, sign_in

SMALL = MailCaps(
    kiosk_sign_ins=Cap(3, 120),
    email_change_recipient=Cap(2, 3600),
    email_change_candidate=Cap(3, 86400),
    email_change_client=Cap(20, 3600),
    password_reset_account=Cap(2, 3600),
    password_reset_client=Cap(4, 3600),
    visitor_rights_recipient=Cap(2, 86400),
    visitor_rights_client=Cap(4, 3600),
)
CAPPED = {"en": "This was sent too often for now. Please try again in",
          "da": "Det er sendt for mange gange lige nu. Prøv igen om"}


@pytest.fixture
def settings():
    """The app (and the services it calls) with SMALL caps; the defaults again afterwards."""
    yield msgspec.structs.replace(load_settings(), caps=SMALL)
    use(load_settings())


def _walk_in(host_id: int, notice_id: int, i: int) -> visits.SignIn:
    return visits.SignIn(visitor_name=f"Visitor {i}", host_id=host_id, purpose="meeting",
                         language="en", notice_id=notice_id, submission=f"form-{i}")


async def test_one_kiosk_cannot_mail_hosts_without_limit(client, notices):
    host_id = await host()
    kiosk_id, credential = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    auth = {"authorization": f"Bearer {credential}"}

    async def api(i: int, language: str = "en"):
        return await client.post("/api/kiosk/sign-in", headers=auth, json={
            "visitor_name": f"Visitor {i}", "host_id": host_id, "purpose": "meeting",
            "notice_id": notice.id, "submission_id": f"api-{i}", "language": language})

    assert [(await api(i)).status_code for i in range(3)] == [201, 201, 201]
    over = await api(3, "da")
    assert over.status_code == 429 and int(over.headers.get("retry-after", "1")) >= 1
    assert await Visit.count() == 3 and await OutboxMail.count() == 3
    # The tablet's own page says so too, in the visitor's language; nothing is stored.
    client.cookies.set("intake_kiosk", credential, domain="testserver.local")
    details = await client.get(f"/kiosk/details?language=da&notice={notice.id}")
    submission = re.search(r'name="submission" value="([^"]*)"', details.text).group(1)
    page = await client.post("/kiosk/sign-in", data={
        "_csrf_token": csrf_from(details.text), "language": "da", "notice_id": str(notice.id),
        "submission": submission, "visitor_name": "Vera Visitor", "host_id": str(host_id),
        "purpose": "meeting"})
    assert page.status_code == 429 and "For mange forsøg" in page.text
    assert await Visit.count() == 3 and await OutboxMail.count() == 3
    # Another tablet is not held back, and this one signs visitors in again once its window
    # has passed.
    other_id, _ = await enrolled_kiosk("Side door")
    now = utcnow()
    assert await visits.sign_in(_walk_in(host_id, notice.id, 10), other_id, now)
    with pytest.raises(MailCapped):
        await visits.sign_in(_walk_in(host_id, notice.id, 11), kiosk_id, now)
    later = now + timedelta(seconds=121)
    assert await visits.sign_in(_walk_in(host_id, notice.id, 12), kiosk_id, later)
    assert await Visit.count() == 5


async def test_a_refused_or_replayed_sign_in_does_not_use_up_the_kiosks_window(client, notices):
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    now = utcnow()
    await visits.sign_in(_walk_in(host_id, notice.id, 0), kiosk_id, now)
    for _ in range(5):  # the same form again: refused as a replay, not counted
        with pytest.raises(Exception, match="already sent"):
            await visits.sign_in(_walk_in(host_id, notice.id, 0), kiosk_id, now)
    for i in (1, 2):
        await visits.sign_in(_walk_in(host_id, notice.id, i), kiosk_id, now)
    assert await Visit.count() == 3


async def _candidate(client) -> None:
    await apply_via_portal(client, await position_slug(), email="cara@example.org")
    await sign_in(client, "cara@example.org")
    await OutboxMail.delete(force=True)


async def _change_email(client, address: str, lang: str = "en"):
    token = await form_token(client, "/me/correct")
    return await client.post("/me/email", data={"email": address, "_csrf_token": token},
                             headers={"accept-language": lang})


async def test_the_email_change_confirmation_is_capped_per_address_and_per_candidate(
        client, notices):
    await _candidate(client)
    for _ in range(2):
        assert (await _change_email(client, "target@example.org")).status_code == 303
    over = await _change_email(client, "target@example.org", "da")
    assert over.status_code == 429 and CAPPED["da"] in over.text
    assert await OutboxMail.count() == 2
    # Per candidate: a third address is the last one today.
    assert (await _change_email(client, "other@example.org")).status_code == 303
    over = await _change_email(client, "third@example.org")
    assert over.status_code == 429 and CAPPED["en"] in over.text
    assert await OutboxMail.count() == 3


async def _reset(client, email: str, lang: str = "en"):
    token = await form_token(client, "/console/reset")
    return await client.post("/console/reset", data={"email": email, "_csrf_token": token},
                             headers={"accept-language": lang})


async def test_staff_password_reset_is_capped_per_account_without_saying_so(client):
    _, email, _ = await staff_member("hr")
    answers = [await _reset(client, email) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[2].text.count("csrf") == answers[0].text.count("csrf")  # the same page
    assert await OutboxMail.count() == 2  # the third asked for none
    # Per client, for known and unknown addresses alike: then a 429 in the user's language.
    assert (await _reset(client, "nobody@example.org")).status_code == 200
    over = await _reset(client, "nobody@example.org", "da")
    assert over.status_code == 429 and CAPPED["da"] in over.text


async def _rights(client, email: str):
    token = await form_token(client, "/visitor-rights")
    return await client.post("/visitor-rights", data={
        "kind": "access", "name": "Vera Visitor", "email": email, "visit_date": "2026-11-01",
        "_csrf_token": token})


async def test_the_visitor_rights_form_is_capped_per_address_and_per_client(client):
    assert [(await _rights(client, "vera@example.org")).status_code for _ in range(2)] == [303] * 2
    over = await _rights(client, "vera@example.org")
    assert over.status_code == 429 and CAPPED["en"] in over.text
    assert await RightsRequest.count() == 2
    assert [(await _rights(client, f"v{i}@example.org")).status_code for i in range(2)] == [303] * 2
    assert (await _rights(client, "v9@example.org")).status_code == 429  # the client's 5th
    assert await RightsRequest.count() == 4
