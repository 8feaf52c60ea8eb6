"""The host's mail (issue 19, point 7): in the host's own language, the purpose as a word,
whichever way the visitor signed in (the kiosk's one-statement path, the general
transaction, the desk)."""

import secrets

from app.clock import utcnow
from app.privacy.audit import Actor
from app.privacy.notices import current_notice
from app.tables import OutboxMail
from app.visits.hosts import HostFields, create_host
from app.visits.visits import SignIn, sign_in
from tests.factories import enrolled_kiosk


async def _host(language: str) -> int:
    return await create_host(HostFields(name=f"Host {language}", email=f"{language}@example.org",
                                        language=language))


async def _sign_in(host_id: int, *, submission: str | None = None, actor=None, purpose="maintenance"):
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    data = SignIn(visitor_name="Ann Visitor", host_id=host_id, purpose=purpose, language="en",
                  notice_id=notice.id, company="Acme",
                  submission=secrets.token_urlsafe(9) if submission is None else submission,
                  channel="desk" if actor else "kiosk")
    await sign_in(data, None if actor else kiosk_id, utcnow(), actor)


async def _mail(address: str) -> dict:
    return await OutboxMail.select().where(OutboxMail.to_address == address).first()


async def test_a_danish_host_reads_danish_and_an_english_host_english(notices):
    danish, english = await _host("da"), await _host("en")
    await _sign_in(danish)  # the kiosk's one-statement path (a fresh form)
    await _sign_in(english, purpose="interview")
    da, en = await _mail("da@example.org"), await _mail("en@example.org")
    assert da["subject"] == "Din besøgende er ankommet"
    assert "venter på dig" in da["body"] and "Formål: Vedligeholdelse eller reparation" in da["body"]
    assert en["subject"] == "Your visitor has arrived"
    assert "Purpose: Job interview" in en["body"] and "Purpose: interview" not in en["body"]


async def test_the_general_transaction_and_the_desk_mail_in_the_hosts_language_too(notices):
    danish = await _host("da")
    await _sign_in(danish, submission="")  # no submission id: the general transaction
    await _sign_in(danish, actor=Actor(kind="staff", id=None, role="admin"))
    mails = await OutboxMail.select().where(OutboxMail.to_address == "da@example.org")
    assert len(mails) == 2
    assert all("Formål: Vedligeholdelse eller reparation" in m["body"] for m in mails)


async def test_an_admin_sets_a_hosts_mail_language(client):
    from app.tables import Host
    from tests.factories import staff_member
    from tests.helpers import csrf_from, login_staff

    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    page = await client.get("/console/hosts")
    assert "Mail language" in page.text
    form = {"_csrf_token": csrf_from(page.text), "name": "Dorte Dansk",
            "email": "dorte@example.org", "active": "true", "language": "da"}
    assert (await client.post("/console/hosts", data=form)).status_code == 303
    assert (await Host.select(Host.language).first())["language"] == "da"
    wrong = await client.post("/console/hosts", data={**form, "language": "xx"})
    assert wrong.status_code == 400 and await Host.count() == 1
