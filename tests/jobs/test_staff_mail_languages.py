"""Mails to staff in Danish where the language is known (issue 21 point 8): the invitation
in the language the admin chose for the colleague, the password reset in the language of the
page that asked for it; the daily rights-request reminder, whose reader's language is not
stored, in Danish and English, with dates in each language's own form (never ISO)."""

import re
from datetime import timedelta

from app.clock import utcnow
from app.privacy.requests_queue import remind_assignees
from app.privacy.rights_requests import open_request
from app.tables import OutboxMail, RightsRequest
from tests.console.support import post_on, signed_in
from tests.factories import staff_member
from tests.helpers import post_form

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


async def latest_mail(to: str) -> dict:
    mail = await OutboxMail.select().where(OutboxMail.to_address == to).order_by(
        OutboxMail.id, ascending=False).first()
    assert mail, f"no mail to {to}"
    return mail


async def test_an_invitation_goes_out_in_the_language_chosen_for_the_colleague(client):
    await signed_in(client, "admin")
    shown = await client.get("/console/staff?lang=da")
    assert "Invitationens sprog" in shown.text
    response = await post_on(client, "/console/staff", "/console/staff/invite",
                             {"email": "ny.kollega@example.org", "role": "hr", "language": "da"})
    assert response.status_code == 303
    mail = await latest_mail("ny.kollega@example.org")
    assert mail["subject"] == "Din medarbejderkonto i Intake"
    assert mail["body"].startswith("Åbn dette link for at komme med:")
    await post_on(client, "/console/staff", "/console/staff/invite",
                  {"email": "new.colleague@example.org", "role": "hr", "language": "en"})
    assert (await latest_mail("new.colleague@example.org"))["subject"] == "Your Intake staff account"


async def test_a_password_reset_mail_speaks_the_language_of_the_page_that_asked(client):
    _, email, _ = await staff_member("hr", email="glemsom@example.org")
    response = await post_form(client, "/console/reset?lang=da", {"email": email})
    assert response.status_code == 200
    mail = await latest_mail(email)
    assert mail["subject"] == "Nulstil din adgangskode til Intake"
    assert "inden for en time" in mail["body"]


async def test_the_reminder_is_danish_and_english_with_dates_in_their_own_form():
    hr_id, hr_email, _ = await staff_member("hr", email="hr-paamindelse@example.org")
    now = utcnow()
    request = await open_request("access", "candidate", now - timedelta(days=40))
    await RightsRequest.update({RightsRequest.assignee: hr_id}).where(RightsRequest.id == request.id)
    await remind_assignees(now)
    mail = await latest_mail(hr_email)
    assert mail["subject"].startswith("Anmodninger om rettigheder med frist inden for 7 dage: 1")
    assert "Rights requests due within 7 days: 1" in mail["subject"]
    danish, english = mail["body"].split("\n---\n")
    assert "indsigt: frist " in danish and "(OVERSKREDET)" in danish
    assert "access: due " in english and "(OVERDUE)" in english
    assert not ISO_DATE.search(mail["body"])


async def test_a_pre_registered_visitor_is_invited_in_the_language_reception_chose(client):
    from app.visits.local_time import local_date
    from tests.factories import host

    await signed_in(client, "reception")
    host_id = await host("Hanne Host")
    day = local_date(utcnow()) + timedelta(days=3)
    for lang, email in (("da", "gaest@example.org"), ("en", "guest@example.org")):
        response = await post_on(client, "/console/reception", "/console/reception/expected", {
            "visitor_name": "Gitte Gæst", "visitor_email": email, "host_id": str(host_id),
            "expected_on": day.isoformat(), "purpose": "meeting", "language": lang})
        assert response.status_code == 303, response.text[:500]
    danish = await latest_mail("gaest@example.org")
    assert danish["subject"] == "Dit besøg" and danish["body"].startswith("Hej Gitte Gæst,")
    assert "Hanne Host venter dig" in danish["body"] and "Jeg har læst dette" in danish["body"]
    english = await latest_mail("guest@example.org")
    assert english["subject"] == "Your visit" and "You are expected on" in english["body"]
    for mail in (danish, english):
        assert day.isoformat() not in mail["body"] and not ISO_DATE.search(mail["body"])
