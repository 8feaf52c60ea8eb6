"""Every right of the candidate, through the services the candidate page calls (both
databases): consent give/withdraw, correction, e-mail change, restriction, objection,
complaint, information, marketing opt-out, access (export) and erasure."""

import io
import json
import zipfile
from datetime import timedelta

import pytest

from app.clock import utcnow
from app.errors import NotFound
from app.privacy import candidate_rights as rights
from app.privacy.access import decide
from app.privacy.export import export_zip
from app.recruiting import my_page
from app.recruiting.applications import ApplyInput, apply
from app.recruiting.cv_store import read_cv
from app.tables import (
    ALL_TABLES,
    Application,
    AuditEvent,
    Candidate,
    ConsentEvent,
    CVFile,
    DeletionReceipt,
    OutboxMail,
    RightsRequest,
    UnconfirmedApplication,
)
from tests.cv_storage import is_stored, stored_cv_names
from tests.factories import staff_member
from tests.portal.support import PDF, docx, position_slug

PLANTED = {"full_name": "Zelda Plantedname", "email": "zelda.planted@example.org",
           "phone": "+45 99 88 77 66", "cover_letter": "Planted-cover-letter-zz"}
CV = PDF.replace(b"planted-cv-marker-PDF", b"planted-cv-zelda")


async def candidate(slug: str, consents=("m", "n"), **fields) -> tuple[int, int]:
    data = {**PLANTED, **fields}
    result = await apply(slug, ApplyInput(consents=tuple(consents), language="en",
                                          ip_prefix="192.0.2.0", **data), "cv.pdf",
                         fields.get("cv", CV) if "cv" in fields else CV, utcnow())
    return result.candidate_id, result.application_id


async def row(cid: int) -> dict:
    found = await Candidate.select().where(Candidate.id == cid).first()
    assert found
    return found


async def test_withdraw_one_consent_takes_effect_at_once_and_is_recorded(notices):
    cid, aid = await candidate(await position_slug())
    app = await Application.select().where(Application.id == aid).first()
    assert decide("hr", app, await row(cid), "view_cv").allowed
    await rights.change_consent(cid, "m", False, language="en", ip_prefix="192.0.2.0",
                                now=utcnow())
    me = await row(cid)
    assert not me["consent_m"] and me["consent_n"]
    assert not decide("hr", app, me, "view_cv").allowed  # staff lose access now
    events = await ConsentEvent.select().where(ConsentEvent.action == "withdrawn")
    assert [(e["purpose"], e["channel"]) for e in events] == [("m", "portal")]
    await rights.change_consent(cid, "m", True, language="en", ip_prefix="", now=utcnow())
    assert (await row(cid))["consent_m"]


async def test_withdrawing_the_last_evaluation_consent_asks_then_erases(notices):
    cid, _ = await candidate(await position_slug(), consents=("m",))
    with pytest.raises(rights.WithdrawalErases):
        await rights.change_consent(cid, "m", False, language="en", ip_prefix="", now=utcnow())
    assert (await row(cid))["consent_m"]  # nothing changed before the confirmation
    receipt = await rights.change_consent(cid, "m", False, language="en", ip_prefix="",
                                          now=utcnow(), confirm_erase=True)
    assert receipt and await Candidate.count() == 0 and await Application.count() == 0
    assert await DeletionReceipt.exists().where(DeletionReceipt.reference == receipt)
    # The withdrawal itself stays proven (Art. 7(1)), under the uid only.
    assert await ConsentEvent.exists().where(ConsentEvent.action == "withdrawn")


async def test_correction_of_details_cover_letter_and_cv(notices):
    cid, aid = await candidate(await position_slug())
    await rights.correct_details(cid, "Zelda Corrected", "+45 12 12 12 12", utcnow())
    await rights.correct_cover_letter(cid, aid, "A better letter", utcnow())
    old = await CVFile.select().first()
    new_cv = docx()  # once: a zip holds its entries' times, two calls may differ
    await rights.replace_cv(cid, aid, "new.docx", new_cv, utcnow())
    me = await row(cid)
    assert (me["full_name"], me["phone"]) == ("Zelda Corrected", "+45 12 12 12 12")
    app = await Application.select().where(Application.id == aid).first()
    assert app["cover_letter"] == "A better letter"
    cvs = await CVFile.select()
    assert len(cvs) == 1 and cvs[0]["media_type"].endswith("wordprocessingml.document")
    assert await read_cv(cvs[0]) == new_cv
    with pytest.raises(FileNotFoundError):
        await read_cv(old)  # the old file is gone
    assert await AuditEvent.exists().where(AuditEvent.action == "cv_replaced")


async def test_a_new_email_is_verified_before_it_replaces_the_old(notices):
    cid, _ = await candidate(await position_slug())
    await rights.request_email_change(cid, "Zelda.New@Example.org", utcnow())
    me = await row(cid)
    assert me["email"] == PLANTED["email"] and me["email_pending"] == "zelda.new@example.org"
    mail = await OutboxMail.select().where(OutboxMail.to_address == "zelda.new@example.org"
                                           ).first()
    token = mail["body"].split("/me/email/")[1].split()[0]
    with pytest.raises(NotFound):
        await rights.confirm_email_change(token, utcnow() + timedelta(days=2))  # expired
    assert await rights.confirm_email_change(token, utcnow()) == cid
    me = await row(cid)
    assert me["email"] == "zelda.new@example.org" and me["email_pending"] is None
    with pytest.raises(NotFound):
        await rights.confirm_email_change(token, utcnow())  # single use


async def test_restriction_freezes_the_application_until_lifted(notices):
    cid, aid = await candidate(await position_slug())
    await rights.set_restriction(cid, aid, True, utcnow())
    app = await Application.select().where(Application.id == aid).first()
    assert not decide("hr", app, await row(cid), "view_cv").allowed
    assert (await my_page.applications(await row(cid)))[0]["state"] == "restricted"
    await rights.set_restriction(cid, aid, False, utcnow())
    app = await Application.select().where(Application.id == aid).first()
    assert decide("hr", app, await row(cid), "view_cv").allowed


async def test_objection_opens_a_request_and_restricts_until_answered(notices):
    cid, aid = await candidate(await position_slug())
    await rights.object_to_processing(cid, "Please stop", "en", utcnow())
    request = await RightsRequest.select().first()
    assert (request["kind"], request["candidate"], request["details"]) == (
        "objection", cid, "Please stop")
    app = await Application.select().where(Application.id == aid).first()
    assert app["objected"] and not decide("hr", app, await row(cid), "rate").allowed


async def test_complaint_opens_a_request_and_names_the_authority(notices, settings):
    cid, _ = await candidate(await position_slug())
    await rights.complain(cid, "You were slow", "da", utcnow())
    request = await RightsRequest.select().first()
    assert (request["kind"], request["language"]) == ("complaint", "da")
    assert rights.authority()["name"] == settings.authority_name


async def test_information_names_the_agreed_notice_and_the_real_dates(notices):
    cid, _ = await candidate(await position_slug(), consents=())
    info = await my_page.information(await row(cid), "en")
    assert info["agreed"] is None and info["current"] is not None
    assert info["applications"][0]["erase_after"] is not None
    await rights.change_consent(cid, "n", True, language="en", ip_prefix="", now=utcnow())
    info = await my_page.information(await row(cid), "en")
    assert info["agreed"].id == info["current"].id
    assert info["sub_processors"]


async def test_marketing_opt_out_by_the_link_in_a_mail(notices):
    cid, _ = await candidate(await position_slug(), consents=("m", "marketing"))
    url = await rights.marketing_optout_url(cid, utcnow())
    token = url.rsplit("/", 1)[1]
    assert await rights.optout_candidate(token, utcnow()) == cid
    await rights.change_consent(await rights.optout_candidate(token, utcnow()), "marketing",
                                False, language="en", ip_prefix="", now=utcnow(),
                                channel="mail")
    assert not (await row(cid))["marketing"]
    event = await ConsentEvent.select().where(ConsentEvent.action == "withdrawn").first()
    assert (event["purpose"], event["channel"]) == ("marketing", "mail")
    with pytest.raises(NotFound):
        await rights.optout_candidate("forged-token", utcnow())


async def test_export_holds_every_planted_value_and_nothing_of_another(notices):
    slug = await position_slug()
    cid, _aid = await candidate(slug)
    other = {"full_name": "Other Person", "email": "other@example.org",
             "phone": "+45 10 10 10 10", "cover_letter": "Other-letter-qq"}
    await candidate(slug, **other)
    hr_id, _, _ = await staff_member("hr")
    from app.privacy import audit

    await audit.record(audit.Actor("staff", hr_id, "hr"), "cv_viewed", utcnow(),
                       subject_kind="candidate", subject_ref=str((await row(cid))["uid"]))
    archive = zipfile.ZipFile(io.BytesIO(await export_zip(cid, utcnow())))
    text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    for value in PLANTED.values():
        assert value in text
    assert "planted-cv-zelda" in text  # the CV, decrypted
    for value in other.values():
        assert value not in text
    accesses = json.loads(archive.read("staff-accesses.json"))
    assert any(a["actor_role"] == "hr" and a["action"] == "cv_viewed" for a in accesses)
    consents = json.loads(archive.read("consent-history.json"))
    assert {c["purpose"] for c in consents} == {"m", "n"}


async def test_after_erasure_no_table_and_no_file_holds_the_planted_values(notices, settings):
    slug = await position_slug()
    cid, _ = await candidate(slug)
    await rights.object_to_processing(cid, "Planted-objection-zz", "en", utcnow())
    await rights.request_email_change(cid, "zelda.pending@example.org", utcnow())
    storage = (await CVFile.select().first())["storage_name"]
    await candidate(slug, full_name="Kept Person", email="kept@example.org",
                    phone="+45 20 20 20 20", cover_letter="Kept-letter")
    receipt = await rights.erase_me(cid, utcnow())
    values = [*PLANTED.values(), "Planted-objection-zz", "zelda.pending@example.org"]
    for table in ALL_TABLES:
        dump = json.dumps(await table.select(), default=str)
        for value in values:
            assert value not in dump, f"{value} left in {table._meta.tablename}"
    assert not await is_stored(storage)
    assert await Candidate.count() == 1  # the other candidate is untouched
    assert receipt and not any(v in receipt for v in values)


async def test_a_changed_purpose_text_asks_to_confirm_again(notices):
    from app.privacy.notices import current_notice, publish, stale_consents

    cid, _ = await candidate(await position_slug())
    old = await current_notice("candidate", "en")
    texts = {**old.purpose_texts, "m": old.purpose_texts["m"] + " Also your portfolio."}
    await publish("candidate", "en", old.title, old.summary, old.body, texts, utcnow())
    assert await stale_consents(await row(cid)) == ["m"]
    await rights.change_consent(cid, "m", True, language="en", ip_prefix="", now=utcnow())
    assert await stale_consents(await row(cid)) == []
    assert await ConsentEvent.count().where(ConsentEvent.purpose == "m") == 2


async def test_two_simultaneous_submits_make_one_application(notices, settings):
    import asyncio

    slug = await position_slug()
    files_before = len(await stored_cv_names())
    data = ApplyInput(consents=("m", "n"), language="en", ip_prefix="", **PLANTED)
    first, second = await asyncio.gather(apply(slug, data, "cv.pdf", CV, utcnow()),
                                         apply(slug, data, "cv.pdf", CV, utcnow()))
    # One is the first application; the other found the address known and waits for the
    # mailbox owner (issue 16), whichever committed first.
    assert sorted([first.created, second.created]) == [False, True]
    assert await Application.count() == 1 and await CVFile.count() == 1
    assert await Candidate.count() == 1 and await UnconfirmedApplication.count() == 1
    assert len(await stored_cv_names()) == files_before + 2
