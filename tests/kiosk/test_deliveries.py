"""Deliveries (issue 19, point 8): the purpose "delivery" asks for the company and the
recipient only, never the courier's name; the recipient gets the notice; the courier gets no
badge and is not left on the evacuation list."""

import re

from app.clock import utcnow
from app.privacy.audit import Actor
from app.tables import OutboxMail, Visit
from app.visits import on_site
from tests.factories import host
from tests.helpers import csrf_from
from tests.kiosk.test_kiosk_pages import as_kiosk, hidden


async def _details(client, language: str) -> tuple[str, dict]:
    notice = await client.get(f"/kiosk/notice?language={language}")
    notice_id = re.search(r"notice=(\d+)", notice.text).group(1)
    details = await client.get(f"/kiosk/details?language={language}&notice={notice_id}")
    return details.text, {"_csrf_token": csrf_from(details.text), "language": language,
                          "notice_id": notice_id, "submission": hidden(details.text, "submission")}


async def test_a_courier_gives_company_and_recipient_and_the_recipient_is_told(client, notices):
    hanne = await host()
    await as_kiosk(client)
    page, form = await _details(client, "da")
    assert "Hvem er leveringen til?" in page and 'id="name-field"' in page
    # A courier who types a name anyway: it is dropped before anything is shown or stored.
    form |= {"visitor_name": "Kurt Courier", "company": "", "host_id": str(hanne),
             "purpose": "delivery"}  # fmt: skip
    missing = await client.post("/kiosk/confirm", data=form)
    assert missing.status_code == 400 and "Skriv venligst leveringsfirmaets navn." in missing.text
    assert "Kurt Courier" not in missing.text  # the name is not even kept in the form
    form["company"] = "Fast Parcels"
    confirm = await client.post("/kiosk/confirm", data=form)
    assert confirm.status_code == 200 and "Fast Parcels" in confirm.text
    assert "Kurt Courier" not in confirm.text
    done = await client.post("/kiosk/sign-in", data=form)
    assert done.status_code == 200 and 'id="delivery-done"' in done.text
    assert "Hanne Host" in done.text and "data-qr" not in done.text  # no badge
    visit = await Visit.select().first()
    assert visit["visitor_name"] == "" and visit["company"] == "Fast Parcels"
    assert visit["purpose"] == "delivery" and visit["host"] == hanne
    assert visit["signed_out_by"] == "delivery" and visit["signed_out_at"] is not None
    assert visit["erase_after"] is not None  # the retention clock runs at once
    mail = await OutboxMail.select().first()
    assert mail["to_address"] == "hanne@example.org" and "Fast Parcels" in mail["body"]
    assert "Kurt" not in mail["body"] and "Courier" not in mail["subject"] + mail["body"]
    admin = Actor(kind="staff", id=None, role="admin")
    assert await on_site.evacuation_list(admin, utcnow()) == []


async def test_any_other_purpose_still_needs_the_visitors_name(client, notices):
    hanne = await host()
    await as_kiosk(client)
    _, form = await _details(client, "en")
    form |= {"visitor_name": "", "company": "Acme", "host_id": str(hanne), "purpose": "meeting"}
    refused = await client.post("/kiosk/sign-in", data=form)
    assert refused.status_code == 400 and "Please write your full name." in refused.text
    assert await Visit.count() == 0
