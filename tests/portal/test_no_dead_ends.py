"""Issue 21.3, no dead ends: a used or expired sign-in link offers a new one (same limits as
asking by e-mail), a closed or unknown position shows the open ones, and the erasure's result
is a page of its own (POST-redirect-GET)."""

from datetime import timedelta

from app.clock import utcnow
from app.tables import Candidate, OutboxMail, Token
from tests.factories import open_position
from tests.helpers import csrf_from
from tests.portal.support import apply_via_portal, latest_signin_token, position_slug, sign_in


async def age_links(minutes: int = 2) -> None:
    """The confirmation mail's link is older than the one-a-minute limit."""
    await Token.update({Token.created_at: utcnow() - timedelta(minutes=minutes)}, force=True)


async def test_a_used_link_offers_a_new_one_mailed_to_the_same_person(client, notices):
    await apply_via_portal(client, await position_slug())
    token = await latest_signin_token("ada@example.org")
    await sign_in(client, "ada@example.org")
    client.cookies.clear()
    for lang, words in (("en", "This sign-in link has been used or has expired"),
                        ("da", "Dette login-link er brugt eller udløbet")):
        dead = await client.get(f"/me/signin/{token}", headers={"accept-language": lang})
        assert dead.status_code == 404 and words in dead.text
        assert 'name="previous"' in dead.text and 'name="email"' not in dead.text
    await age_links()
    mails = await OutboxMail.count()
    sent = await client.post("/me/signin", data={"previous": token,
                                                  "_csrf_token": csrf_from(dead.text)})
    assert sent.status_code == 200 and "address the old one went to" in sent.text
    assert await OutboxMail.count() == mails + 1
    fresh = await latest_signin_token("ada@example.org")
    assert fresh != token
    # Same limits as today: asking again at once sends nothing more.
    again = await client.post("/me/signin", data={"previous": token,
                                                   "_csrf_token": csrf_from(sent.text)})
    assert again.status_code == 200 and await OutboxMail.count() == mails + 1
    await sign_in(client, "ada@example.org")  # the new link works


async def test_a_link_used_meanwhile_leads_to_the_same_offer(client, notices):
    await apply_via_portal(client, await position_slug())
    token = await latest_signin_token("ada@example.org")
    page = await client.get(f"/me/signin/{token}")
    await sign_in(client, "ada@example.org")  # used in another tab
    late = await client.post(f"/me/signin/{token}", data={"_csrf_token": csrf_from(page.text)})
    assert late.status_code == 404 and 'name="previous"' in late.text
    assert csrf_from(late.text)  # the offer's own form works


async def test_an_unknown_link_asks_for_the_email(client, notices):
    await apply_via_portal(client, await position_slug())
    dead = await client.get("/me/signin/" + "x" * 43)
    assert dead.status_code == 404 and 'name="email"' in dead.text
    assert 'name="previous"' not in dead.text
    mails = await OutboxMail.count()
    # A made-up "previous" sends nothing and answers like any request.
    sent = await client.post("/me/signin", data={"previous": "x" * 43,
                                                  "_csrf_token": csrf_from(dead.text)})
    assert sent.status_code == 200 and await OutboxMail.count() == mails


async def test_a_closed_or_unknown_position_lists_the_open_ones(client, notices):
    open_slug = await position_slug("Open role")
    closed_id = await open_position("Old job", status="closed")
    from app.tables import Position

    closed = (await Position.select(Position.slug).where(Position.id == closed_id).first())["slug"]
    for path in (f"/positions/{closed}", f"/apply/{closed}", "/positions/no-such-job"):
        for lang, words in (("en", "This position is closed or no longer exists"),
                            ("da", "Denne stilling er lukket eller findes ikke længere")):
            page = await client.get(path, headers={"accept-language": lang})
            assert page.status_code == 404 and words in page.text, path
            assert "Open role" in page.text and "Old job" not in page.text
    form = await client.get(f"/apply/{open_slug}")
    sent = await client.post(f"/apply/{closed}", data={"_csrf_token": csrf_from(form.text)})
    assert sent.status_code == 404 and "Open role" in sent.text


async def test_the_receipt_page_without_an_erasure_goes_home(client, notices):
    assert (await client.get("/me/erased")).headers["location"] == "/"
    client.cookies.set("intake_receipt", "<script>", path="/me/erased")
    assert (await client.get("/me/erased")).status_code == 303
    assert await Candidate.count() == 0
