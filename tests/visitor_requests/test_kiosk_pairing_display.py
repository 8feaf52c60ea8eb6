"""Creating a kiosk is POST-redirect-GET: the pairing code is shown by the GET after the
redirect, once, to the staff member who made it; reloading never makes a second kiosk or
a second code, and neither does sending the same form again."""

import re

from app.clock import utcnow
from app.tables import Kiosk, Token
from app.visits.kiosks import enrol
from app.visits.pairing_display import DISPLAY_PURPOSE
from tests.console.support import signed_in
from tests.helpers import csrf_from

CODE = re.compile(r'id="pairing-code">([A-Z0-9]+)<')


def submission_of(html: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', html).group(1)


async def test_the_code_is_shown_after_a_redirect_once_and_a_reload_creates_nothing(client):
    await signed_in(client, "reception")
    page = await client.get("/console/kiosks")
    form = {"_csrf_token": csrf_from(page.text), "submission": submission_of(page.text),
            "name": "Front desk", "location": "Lobby"}
    created = await client.post("/console/kiosks", data=form)
    assert created.status_code == 303
    assert "pairing-code" not in created.text  # the POST's answer shows no code
    shown_at = created.headers["location"]
    assert shown_at.startswith("/console/kiosks?pairing=")
    shown = await client.get(shown_at)
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    code = CODE.search(shown.text).group(1)
    # The plain code is gone from the database once shown; only its keyed hash remains.
    assert not await Token.exists().where(Token.purpose == DISPLAY_PURPOSE)
    assert code not in str(await Kiosk.select())
    reloaded = await client.get(shown_at)
    assert reloaded.status_code == 200 and not CODE.search(reloaded.text)
    assert 'id="pairing-gone"' in reloaded.text
    # The same form sent again (back button and resend): no second kiosk, no new code.
    resent = await client.post("/console/kiosks", data=form)
    assert resent.status_code == 303 and resent.headers["location"] == "/console/kiosks?already=1"
    assert await Kiosk.count() == 1
    enrolled = await enrol(code, "203.0.113.0", utcnow())  # the code shown is the real one
    assert enrolled.name == "Front desk"


async def test_a_new_pairing_code_is_shown_the_same_way_and_only_to_its_maker(client):
    await signed_in(client, "admin")
    page = await client.get("/console/kiosks")
    created = await client.post("/console/kiosks", data={
        "_csrf_token": csrf_from(page.text), "submission": submission_of(page.text),
        "name": "Side door"})
    await client.get(created.headers["location"])
    kiosk_id = (await Kiosk.select(Kiosk.id).first())["id"]
    repaired = await client.post(f"/console/kiosks/{kiosk_id}/pair",
                                 data={"_csrf_token": csrf_from(page.text)})
    assert repaired.status_code == 303
    client.cookies.clear()
    await signed_in(client, "reception")  # a colleague with the same address sees nothing
    other = await client.get(repaired.headers["location"])
    assert other.status_code == 200 and not CODE.search(other.text)
    assert await Token.count().where(Token.purpose == DISPLAY_PURPOSE) == 1
    assert await Kiosk.count() == 1


async def test_bad_input_is_shown_in_the_form_and_creates_nothing(client):
    await signed_in(client, "reception")
    page = await client.get("/console/kiosks")
    bad = await client.post("/console/kiosks", data={
        "_csrf_token": csrf_from(page.text), "submission": submission_of(page.text),
        "name": "", "location": "x" * 500})
    assert bad.status_code == 400 and await Kiosk.count() == 0
    forged = await client.get("/console/kiosks?pairing=" + "A" * 500)
    assert forged.status_code == 200 and 'id="pairing-gone"' in forged.text
