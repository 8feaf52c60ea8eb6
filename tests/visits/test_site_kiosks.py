"""The Kiosks page by site (issue 19, point 5): reception lists, re-pairs, revokes and sets
the printing of its own sites' tablets only, by the same rule as its visitors
(app.visits.sites.site_scope); an admin sees all. A tablet reception adds is at its own site."""

import re

from app.tables import Kiosk
from tests.factories import staff_member
from tests.helpers import csrf_from, login_staff
from tests.visits.test_sites import two_sites


def _names(html: str) -> set[str]:
    return set(re.findall(r"<td>(Lobby \w+)</td>", html))


async def test_reception_sees_and_acts_on_its_own_sites_kiosks_only(client, notices):
    w = await two_sites()
    _, email, password = w["rec_cph"]
    await login_staff(client, email, password)
    page = await client.get("/console/kiosks")
    assert page.status_code == 200 and _names(page.text) == {"Lobby CPH"}
    assert f"/console/kiosks/{w['kiosk_aar']}/" not in page.text
    token = csrf_from(page.text)
    before = await Kiosk.select().where(Kiosk.id == w["kiosk_aar"]).first()
    for action, extra in (("pair", {}), ("print-layout", {"print_layout": "a6"}), ("revoke", {})):
        refused = await client.post(
            f"/console/kiosks/{w['kiosk_aar']}/{action}", data={"_csrf_token": token, **extra}
        )
        assert refused.status_code == 404, action
    assert await Kiosk.select().where(Kiosk.id == w["kiosk_aar"]).first() == before
    # Their own site's kiosk: as before.
    own = await client.post(
        f"/console/kiosks/{w['kiosk_cph']}/print-layout",
        data={"_csrf_token": token, "print_layout": "a6"},
    )
    assert own.status_code == 303
    assert (await Kiosk.select(Kiosk.print_layout).where(Kiosk.id == w["kiosk_cph"]).first())[
        "print_layout"
    ] == "a6"
    # A tablet may not be placed at another site either.
    elsewhere = await client.post("/console/kiosks", data={
        "_csrf_token": token, "name": "Lobby Sneaky", "site_id": str(w["aarhus"]),
    })  # fmt: skip
    assert elsewhere.status_code == 400 and await Kiosk.count() == 2


async def test_a_kiosk_added_by_reception_is_at_their_site_and_an_admin_sees_all(client, notices):
    w = await two_sites()
    _, email, password = w["rec_aar"]
    await login_staff(client, email, password)
    page = await client.get("/console/kiosks")
    assert _names(page.text) == {"Lobby AAR"}
    assert 'name="site_id"' in page.text and "<select" not in page.text.split("Add a kiosk")[1]
    made = await client.post("/console/kiosks", data={
        "_csrf_token": csrf_from(page.text), "name": "Lobby Second", "location": "Floor 2",
        "site_id": re.search(r'name="site_id" value="(\d+)"', page.text).group(1),
    })  # fmt: skip
    assert made.status_code == 303
    row = await Kiosk.select(Kiosk.site).where(Kiosk.name == "Lobby Second").first()
    assert row["site"] == w["aarhus"]
    assert _names((await client.get(made.headers["location"])).text) == {
        "Lobby AAR",
        "Lobby Second",
    }
    await client.get("/console/logout")
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    everything = await client.get("/console/kiosks")
    assert _names(everything.text) == {"Lobby CPH", "Lobby AAR", "Lobby Second"}
    assert '<select id="site_id"' in everything.text  # an admin chooses the site
