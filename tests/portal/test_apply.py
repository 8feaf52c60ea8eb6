"""Journey 1 through the door: a candidate applies with a CV, gets a confirmation page and a
mail with the way back, and a double submit makes no second application."""

from app.recruiting.cv_store import read_cv
from app.tables import Application, Candidate, ConsentEvent, CVFile, OutboxMail
from tests.cv_storage import stored_cv_names
from tests.portal.support import PDF, apply_via_portal, position_slug, sign_in


async def test_apply_stores_everything_in_one_go_and_mails_the_way_back(client, notices):
    slug = await position_slug()
    response = await apply_via_portal(client, slug, consent_m="true", consent_n="true",
                                      marketing="true")
    assert response.status_code == 200, response.text[:500]
    assert "we received your application" in response.text
    cand = await Candidate.select().first()
    assert cand["full_name"] == "Ada Lovelace" and cand["consent_m"] and cand["consent_n"]
    assert cand["marketing"] and not cand["talent_pool"]
    app = await Application.select().first()
    assert app["dedupe_key"] == f"{cand['id']}:{app['position']}"
    assert app["erase_after"] is None  # in progress with consent: no date yet
    events = await ConsentEvent.select().order_by(ConsentEvent.purpose)
    assert [(e["purpose"], e["action"], e["channel"]) for e in events] == [
        ("m", "given", "portal"), ("marketing", "given", "portal"), ("n", "given", "portal")]
    assert {e["identified_by"] for e in events} == {"first_application"}
    assert all(e["text_hash"] and e["notice_version"] and e["language"] == "en" for e in events)
    cv = await CVFile.select().first()
    assert cv["media_type"] == "application/pdf" and await read_cv(cv) == PDF
    mail = await OutboxMail.select().where(OutboxMail.to_address == "ada@example.org").first()
    assert "/me/signin/" in mail["body"]


async def test_double_submit_shows_the_same_confirmation_and_makes_no_second_row(
        client, notices, settings):
    """The second submit finds a known address: it makes no application, but waits (with its
    file) for the mailbox owner's confirmation, with the one mail every submit sends."""
    from app.tables import UnconfirmedApplication

    slug = await position_slug()
    files_before = len(await stored_cv_names())
    first = await apply_via_portal(client, slug)
    second = await apply_via_portal(client, slug)
    assert first.status_code == second.status_code == 200
    assert "we received your application" in second.text
    assert await Application.count() == 1 and await CVFile.count() == 1
    assert await UnconfirmedApplication.count() == 1
    assert await OutboxMail.count() == 2
    assert len(await stored_cv_names()) == files_before + 2


async def test_without_m_or_n_the_application_waits_and_says_so(client, notices):
    slug = await position_slug()
    response = await apply_via_portal(client, slug, consent_m=None, consent_n=None)
    assert response.status_code == 200
    assert "HR cannot look at your application until you do" in response.text
    app = await Application.select().first()
    assert app["erase_after"] is not None  # erased after 30 days without consent
    assert await ConsentEvent.count() == 0
    await sign_in(client, "ada@example.org")
    page = await client.get("/me")
    assert "Waiting for your consent" in page.text


async def test_apply_page_shows_the_notice_texts_unticked_and_in_danish(client, notices):
    slug = await position_slug()
    page = await client.get(f"/apply/{slug}", headers={"accept-language": "da,en;q=0.5"})
    assert "Lad HR læse mit CV og min baggrund" in page.text and "Lad HR vurdere mig i samtaler" in page.text
    assert "checked" not in page.text
    assert 'for="consent_m"' in page.text and 'for="cv"' in page.text


async def test_closed_and_unknown_positions_are_not_found(client, notices):
    from tests.factories import open_position

    await open_position("Old job", status="closed")
    assert (await client.get("/apply/no-such-position")).status_code == 404
    listing = await client.get("/")
    assert "Old job" not in listing.text


async def test_another_candidates_objects_are_not_found(client, notices):
    slug = await position_slug()
    await apply_via_portal(client, slug, email="first@example.org")
    other_cv = await CVFile.select().first()
    other_app = await Application.select().first()
    client.cookies.clear()
    await apply_via_portal(client, slug, email="second@example.org")
    await sign_in(client, "second@example.org")
    assert (await client.get(f"/me/cv/{other_cv['id']}")).status_code == 404
    page = await client.get("/me")
    from tests.helpers import csrf_from

    token = csrf_from(page.text)
    for path in ("restrict", "letter"):
        r = await client.post(f"/me/applications/{other_app['id']}/{path}",
                              data={"_csrf_token": token, "restricted": "true"})
        assert r.status_code == 404
    assert not (await Application.select().where(Application.id == other_app["id"]).first()
                )["restricted"]


async def test_position_description_is_markdown_without_raw_html(client, notices):
    from app.tables import Position

    slug = await position_slug()
    await Position.update({Position.description: "We build **things**.\n\n<script>x()</script>"}
                          ).where(Position.slug == slug)
    page = await client.get(f"/positions/{slug}")
    assert "<strong>things</strong>" in page.text and "<script>x()" not in page.text


async def test_without_a_published_notice_the_form_says_so_and_stores_nothing(client):
    slug = await position_slug()
    response = await apply_via_portal(client, slug)
    assert response.status_code == 400
    assert "The privacy notice is not published yet." in response.text
    assert await Candidate.count() == 0 and await Application.count() == 0
