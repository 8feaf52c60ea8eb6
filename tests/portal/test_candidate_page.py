"""The candidate page through the door: signing in by link, consents, the download, the
forms for each right, and erasure with its receipt."""

import io
import zipfile
from datetime import timedelta

from app.clock import utcnow
from app.privacy.candidate_rights import marketing_optout_url
from app.tables import Application, Candidate, OutboxMail, RightsRequest, Session, Token
from tests.helpers import csrf_from
from tests.portal.support import PDF, apply_via_portal, latest_signin_token, position_slug, sign_in


async def signed_in(client, **fields) -> dict:
    await apply_via_portal(client, await position_slug(), **fields)
    await sign_in(client, fields.get("email", "ada@example.org"))
    me = await Candidate.select().first()
    assert me
    return me


async def post(client, path: str, data: dict | None = None, page: str = "/me"):
    token = csrf_from((await client.get(page)).text)
    return await client.post(path, data={**(data or {}), "_csrf_token": token})


async def test_the_page_needs_a_sign_in_and_the_link_works_once(client, notices):
    assert (await client.get("/me")).headers["location"].startswith("/me/signin")
    await apply_via_portal(client, await position_slug())
    token = await latest_signin_token("ada@example.org")
    await sign_in(client, "ada@example.org")
    assert (await client.get("/me")).status_code == 200
    assert (await client.get(f"/me/signin/{token}")).status_code == 404  # used up


async def test_asking_for_a_link_answers_the_same_for_unknown_addresses(client, notices):
    await apply_via_portal(client, await position_slug())
    # The confirmation mail's link is a minute old: a new one may be sent.
    await Token.update({Token.created_at: utcnow() - timedelta(minutes=2)}, force=True)
    mails = await OutboxMail.count()
    known = await post(client, "/me/signin", {"email": "ada@example.org"}, "/me/signin")
    unknown = await post(client, "/me/signin", {"email": "nobody@example.org"}, "/me/signin")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: r.text.split('name="_csrf_token"')[0]  # noqa: E731
    assert strip(known) == strip(unknown)
    assert await OutboxMail.count() == mails + 1
    # Asking again at once answers the same but sends nothing (no mail cannon).
    again = await post(client, "/me/signin", {"email": "ada@example.org"}, "/me/signin")
    assert strip(again) == strip(known) and await OutboxMail.count() == mails + 1


async def test_withdraw_then_confirm_erasure_through_the_page(client, notices):
    await signed_in(client, consent_n=None)
    page = await client.get("/me")
    assert "Given" in page.text and "Received" in page.text
    ask = await post(client, "/me/consent", {"purpose": "m", "action": "withdraw"})
    assert ask.status_code == 200 and "erases your applications" in ask.text
    assert 'aria-label="Withdraw and erase: Let HR read my CV and background"' in ask.text
    assert (await Candidate.select().first())["consent_m"]
    done = await client.post("/me/consent", data={
        "purpose": "m", "action": "withdraw", "confirm_erase": "true",
        "_csrf_token": csrf_from(ask.text)})
    # The result moved off the POST URL (issue 21.3): a reload cannot send it again.
    assert done.status_code == 303 and done.headers["location"] == "/me/erased"
    receipt = await client.get("/me/erased")
    assert receipt.status_code == 200 and "Everything about you is erased" in receipt.text
    assert await Candidate.count() == 0 and await Session.count() == 0


async def test_download_is_a_zip_attachment_with_the_cv(client, notices):
    await signed_in(client)
    response = await client.get("/me/export")
    assert response.headers["content-disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert any(n.startswith("cv/") for n in archive.namelist())
    assert PDF in [archive.read(n) for n in archive.namelist()]
    cv = await client.get("/me/cv/" + (await client.get("/me")).text.split("/me/cv/")[1]
                          .split('"')[0])
    assert cv.content == PDF and cv.headers["content-disposition"].startswith("attachment")


async def test_erase_from_the_page_shows_a_receipt_and_signs_out(client, notices):
    me = await signed_in(client)
    erased = await post(client, "/me/erase", page="/me/erase")
    assert erased.status_code == 303 and erased.headers["location"] == "/me/erased"
    response = await client.get("/me/erased")
    assert response.status_code == 200 and str(me["uid"]) in response.text
    assert (await client.get("/me/erased")).status_code == 200  # a reload shows it again
    for value in ("Ada Lovelace", "ada@example.org"):
        assert value not in response.text
    assert (await client.get("/me")).status_code == 303


async def test_the_forms_for_each_right(client, notices):
    await signed_in(client)
    app = await Application.select().first()
    bad = await post(client, "/me/details", {"full_name": "", "phone": "x"}, "/me/correct")
    assert bad.status_code == 400 and 'id="full_name-error"' in bad.text
    assert 'value="x"' in bad.text
    assert (await post(client, "/me/details", {"full_name": "Ada King", "phone": ""},
                       "/me/correct")).status_code == 303
    assert (await Candidate.select().first())["full_name"] == "Ada King"
    bad_mail = await post(client, "/me/email", {"email": "nope"}, "/me/correct")
    assert bad_mail.status_code == 400 and 'id="new_email-error"' in bad_mail.text
    bad_cv = await client.post(f"/me/applications/{app['id']}/cv", data={
        "_csrf_token": csrf_from((await client.get("/me/correct")).text)},
        files={"cv": ("cv.pdf", b"MZ not a pdf")})
    assert bad_cv.status_code == 400 and f'id="cv-{app["id"]}-error"' in bad_cv.text
    assert (await post(client, f"/me/applications/{app['id']}/restrict",
                       {"restricted": "true"})).status_code == 303
    assert "Restricted" in (await client.get("/me")).text
    empty = await post(client, "/me/object", {"details": ""}, "/me/object")
    assert empty.status_code == 400 and 'id="details-error"' in empty.text
    await post(client, "/me/object", {"details": "Stop it"}, "/me/object")
    await post(client, "/me/complaint", {"details": "Too slow"}, "/me/complaint")
    kinds = sorted(r["kind"] for r in await RightsRequest.select())
    assert kinds == ["complaint", "objection"]
    complaint = await client.get("/me/complaint")
    assert "Datatilsynet" in complaint.text
    info = await client.get("/me/information")
    assert "No profiling" in info.text and "Version 1" in info.text


async def test_marketing_one_click_link(client, notices):
    me = await signed_in(client, marketing="true")
    url = await marketing_optout_url(me["id"], utcnow())
    client.cookies.clear()
    path = url.split("testserver.local", 1)[1]
    page = await client.get(path)
    assert page.status_code == 200 and (await Candidate.select().first())["marketing"]
    done = await client.post(path, data={"_csrf_token": csrf_from(page.text)})
    assert done.status_code == 200 and not (await Candidate.select().first())["marketing"]


async def test_the_page_speaks_danish(client, notices):
    await signed_in(client)
    page = await client.get("/me", headers={"accept-language": "da"})
    assert "Mine ansøgninger" in page.text and "Modtaget" in page.text


async def test_a_changed_purpose_text_shows_a_confirm_again_button(client, notices):
    from app.privacy.notices import current_notice, publish

    await signed_in(client)
    assert "Confirm again" not in (await client.get("/me")).text
    old = await current_notice("candidate", "en")
    texts = {**old.purpose_texts, "n": "A new text for purpose n."}
    await publish("candidate", "en", old.title, old.summary, old.body, texts, utcnow())
    page = await client.get("/me")
    assert "Confirm again" in page.text and "A new text for purpose n." in page.text
