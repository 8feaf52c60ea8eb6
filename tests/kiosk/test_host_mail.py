"""The host's mail (issue 19, point 7): in the host's own language, the purpose as a word,
whichever way the visitor signed in (the kiosk's one-statement path, the general
transaction, the desk)."""

import re
import secrets
from datetime import UTC, datetime

from app.clock import utcnow
from app.privacy.audit import Actor
from app.privacy.notices import current_notice
from app.tables import HostSite, OutboxMail
from app.visits.hosts import HostFields, create_host
from app.visits.kiosks import create_kiosk
from app.visits.sites import SiteFields, create_site, first_site_id
from app.visits.visits import SignIn, sign_in
from tests.factories import enrolled_kiosk
from tests.visits.test_services import sign_in_form


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


# 08:15 UTC on 4 December: 09:15 CET in Copenhagen, 03:15 EST in New York.
MORNING = datetime(2026, 12, 4, 8, 15, tzinfo=UTC)


async def _new_york(*host_languages: str) -> tuple[int, list[int]]:
    """A second site, New York, with its own hosts: (site id, host ids)."""
    await first_site_id()
    ny = await create_site(SiteFields("New York", timezone="America/New_York"), utcnow())
    hosts = [await _host(language) for language in host_languages]
    await HostSite.update({HostSite.site: ny}).where(HostSite.host.is_in(hosts))
    return ny, hosts


async def test_the_time_says_its_zone_and_one_site_is_not_named(notices):
    """A host cannot take "09:15" for another office's clock: it reads "09:15 CET"."""
    danish, english = await _host("da"), await _host("en")
    notice = await current_notice("visitor", "en")
    admin = Actor(kind="staff", id=None, role="admin")
    for host_id in (danish, english):  # the walk-in's one statement, the transaction, the desk
        for submission, actor in (("a" + str(host_id), None), ("", None), ("c" + str(host_id), admin)):
            kiosk_id = None if actor else (await enrolled_kiosk())[0]
            data = sign_in_form(host_id, notice.id, submission=submission,
                                channel="desk" if actor else "kiosk")
            await sign_in(data, kiosk_id, MORNING, actor)
    da = await OutboxMail.select().where(OutboxMail.to_address == "da@example.org")
    en = await OutboxMail.select().where(OutboxMail.to_address == "en@example.org")
    assert len(da) == len(en) == 3
    assert all("kl. 09.15 CET" in m["body"] and "Kontor:" not in m["body"] for m in da)
    assert all("at 09:15 CET" in m["body"] and "Site:" not in m["body"] for m in en)


async def test_with_two_sites_the_mail_names_the_site_and_its_zone(client, notices):
    """Copenhagen and New York: the host reads which office and whose clock, from the
    kiosk's one statement (through its API), the general transaction, a delivery and the
    desk."""
    ny, (host_id, english) = await _new_york("da", "en")
    notice = await current_notice("visitor", "en", ny)
    pairing = await create_kiosk("App", "Lobby", utcnow(), site_id=ny)
    enrolled = await client.post("/api/kiosk/enrol", json={"pairing_code": pairing.code})
    auth = {"authorization": f"Bearer {enrolled.json()['credential']}"}
    form = {"visitor_name": "Ann Visitor", "host_id": english, "purpose": "meeting",
            "notice_id": notice.id, "language": "en", "submission_id": "app-1"}
    assert (await client.post("/api/kiosk/sign-in", headers=auth, json=form)).status_code == 201
    en = await _mail("en@example.org")
    assert "Site: New York" in en["body"] and re.search(r"at \d\d:\d\d E[SD]T", en["body"])
    kiosk_id = enrolled.json()["kiosk_id"]
    admin = Actor(kind="staff", id=None, role="admin")
    for data, kiosk, actor in (
        (sign_in_form(host_id, notice.id, site_id=ny, submission=""), kiosk_id, None),
        (sign_in_form(host_id, notice.id, site_id=ny, submission="b", purpose="delivery"),
         kiosk_id, None),
        (sign_in_form(host_id, notice.id, site_id=ny, submission="c", channel="desk"), None,
         admin),
    ):  # fmt: skip
        await sign_in(data, kiosk, MORNING, actor)
    da = await OutboxMail.select().where(OutboxMail.to_address == "da@example.org")
    assert len(da) == 3
    assert all("kl. 03.15 EST" in m["body"] and "Kontor: New York" in m["body"] for m in da)
