"""Issue 21.9: candidate mail in the candidate's language, kept from the apply form and
changeable on their own page."""

from datetime import timedelta

from app.clock import utcnow
from app.tables import AuditEvent, Candidate, OutboxMail, Token
from tests.helpers import csrf_from
from tests.portal.support import apply_via_portal, position_slug, sign_in


async def latest_mail() -> dict:
    mail = await OutboxMail.select().order_by(OutboxMail.id, ascending=False).first()
    assert mail
    return mail


async def ask_for_link(client) -> dict:
    await Token.update({Token.created_at: utcnow() - timedelta(minutes=2)}, force=True)
    page = await client.get("/me/signin")
    await client.post("/me/signin", data={"email": "ada@example.org",
                                          "_csrf_token": csrf_from(page.text)})
    return await latest_mail()


async def test_the_apply_forms_language_is_kept_and_the_page_changes_it(client, notices):
    client.headers["accept-language"] = "da"
    await apply_via_portal(client, await position_slug())
    assert (await Candidate.select().first())["language"] == "da"
    assert (await latest_mail())["subject"] == "Vi har modtaget din ansøgning"
    await sign_in(client, "ada@example.org")
    # Reading the pages in English does not change the mail language...
    client.headers["accept-language"] = "en"
    me = await client.get("/me")
    assert 'value="da" lang="da" selected' in me.text
    assert "Language of our e-mails to you" in me.text
    assert (await ask_for_link(client))["subject"] == "Dit login-link"
    # ...choosing it on the page does.
    changed = await client.post("/me/language", data={"language": "en",
                                                       "_csrf_token": csrf_from(me.text)})
    assert changed.status_code == 303 and changed.headers["location"] == "/me?done=language"
    assert (await Candidate.select().first())["language"] == "en"
    assert (await ask_for_link(client))["subject"] == "Your sign-in link"
    assert await AuditEvent.exists().where(AuditEvent.action == "mail_language_changed")


async def test_a_language_not_offered_changes_nothing(client, notices):
    await apply_via_portal(client, await position_slug())
    await sign_in(client, "ada@example.org")
    me = await client.get("/me")
    forged = await client.post("/me/language", data={"language": "xx",
                                                      "_csrf_token": csrf_from(me.text)})
    assert forged.status_code == 303 and forged.headers["location"] == "/me"
    assert (await Candidate.select().first())["language"] == "en"
