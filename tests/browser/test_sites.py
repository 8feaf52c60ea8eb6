"""Two sites in the browser (issue 19, point 5): a tablet at Aarhus offers Aarhus's hosts only
and its visitor is Aarhus's; reception of Copenhagen, on its 1024x768 tablet, never sees that
visitor in the on-site list or the evacuation list, in English or Danish; reception of
Aarhus does. The admin's Sites pages at 1366x768. Screenshots go to INTAKE_SCREENSHOTS when
it is set, to look at."""

import os
from pathlib import Path

import pytest

from app.tables import Visit
from tests.browser.test_kiosk_journey import leftovers
from tests.browser.test_kiosk_journey import signed_in_page as _staff
from tests.visits.test_sites import two_sites, visit_at

pytestmark = pytest.mark.browser
TABLET = {"width": 1024, "height": 768}
PORTRAIT = {"width": 768, "height": 1024}
LAPTOP = {"width": 1366, "height": 768}


async def _shot(page, name: str) -> None:
    folder = os.environ.get("INTAKE_SCREENSHOTS")
    if folder:
        await page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.mark.parametrize(
    ("size", "lang"),
    [(TABLET, "en"), (TABLET, "da"), (PORTRAIT, "en"), (PORTRAIT, "da")],
    ids=["landscape-en", "landscape-da", "portrait-en", "portrait-da"],
)
async def test_reception_of_one_site_never_sees_the_other_sites_visitors(
    browser, live_server, notices, size, lang
):
    """The journey at both tablet sizes, the visitor in either language (issue 19's tests)."""
    w = await two_sites()
    await visit_at(w["cph"], w["hanne"], "Carl Copenhagen")
    tablet_context = await browser.new_context(viewport=size, has_touch=True)
    await tablet_context.add_cookies(
        [{"name": "intake_kiosk", "value": w["tablet_aar"], "url": live_server.url}]
    )
    tablet = await tablet_context.new_page()
    contexts = [tablet_context]
    try:
        # A visitor at the Aarhus tablet: only Aarhus's hosts are offered.
        await tablet.goto(f"{live_server.url}/kiosk")
        await tablet.click("#start-sign-in")
        await tablet.click(f".choices a[hreflang={lang}]")
        await tablet.click("#read-notice")
        await tablet.fill("#visitor_name", "Aase Aarhus")
        await tablet.fill("#host-search", "hann")
        await tablet.wait_for_timeout(600)  # the list answers as one types
        assert not await tablet.is_visible("label.host-option:has-text('Hanne Host')")
        await tablet.fill("#host-search", "and")
        await tablet.click("label.host-option:has-text('Anders Aarhus')")
        await tablet.click("label.chip:has(input[value=meeting])")
        await tablet.click("#to-confirm")
        await tablet.click("#sign-me-in")
        await tablet.wait_for_selector("#signout-code")
        aase = await Visit.select(Visit.site, Visit.kiosk).where(
            Visit.visitor_name == "Aase Aarhus"
        ).first()
        assert aase == {"site": w["aarhus"], "kiosk": w["kiosk_aar"]}
        await tablet.click("#done")
        assert "Aase Aarhus" not in await leftovers(tablet)

        _, email, password = w["rec_cph"]
        context, desk = await _staff(browser, live_server, email, password, size)
        contexts.append(context)
        for desk_lang in ("en", "da"):
            await desk.goto(f"{live_server.url}/console/reception?lang={desk_lang}")
            assert await desk.is_visible("#on-site >> text=Carl Copenhagen")
            assert "Aase Aarhus" not in await desk.content()
            await _shot(desk, f"sites-desk-cph-{size['width']}-{desk_lang}.png")
            await desk.goto(f"{live_server.url}/console/reception/evacuation?lang={desk_lang}")
            assert await desk.is_visible("text=Carl Copenhagen")
            assert "Aase Aarhus" not in await desk.content()
            await desk.goto(f"{live_server.url}/console/reception/log?lang={desk_lang}&q=Aarhus")
            assert "Aase Aarhus" not in await desk.content()

        _, email, password = w["rec_aar"]
        context, desk = await _staff(browser, live_server, email, password, size)
        contexts.append(context)
        await desk.goto(f"{live_server.url}/console/reception")
        assert await desk.is_visible("#on-site >> text=Aase Aarhus")
        assert "Carl Copenhagen" not in await desk.content()
    finally:
        for context in contexts:
            await context.close()


async def test_the_admin_keeps_sites_on_a_laptop(browser, live_server, notices):
    from tests.factories import staff_member

    w = await two_sites()
    _, email, password = await staff_member("admin")
    context, page = await _staff(browser, live_server, email, password, LAPTOP)
    try:
        for lang in ("en", "da"):
            await page.goto(f"{live_server.url}/console/sites?lang={lang}")
            assert await page.is_visible("#sites >> text=Aarhus")
            await _shot(page, f"sites-list-{lang}.png")
            await page.goto(f"{live_server.url}/console/sites/{w['aarhus']}?lang={lang}")
            await _shot(page, f"sites-edit-{lang}.png")
        await page.goto(f"{live_server.url}/console/sites/{w['aarhus']}?lang=en")
        await page.fill("#end_of_day", "17:30")
        await page.check(f"input[name=kiosks][value='{w['kiosk_cph']}']")
        await page.click("#save-site")
        await page.wait_for_selector("#site-saved")
        assert await page.input_value("#end_of_day") == "17:30"
        assert await page.is_checked(f"input[name=kiosks][value='{w['kiosk_cph']}']")
    finally:
        await context.close()


@pytest.mark.parametrize("lang", ["en", "da"])
async def test_the_desks_host_list_follows_the_chosen_site(browser, live_server, notices, lang):
    """Pre-registering a visitor, an admin of both offices is offered only the chosen site's
    hosts, as the kiosk is (issue 19.5); a host chosen for the other site is cleared."""
    from app.tables import ExpectedVisit
    from tests.factories import staff_member

    w = await two_sites()
    _, email, password = await staff_member("admin")
    context, page = await _staff(browser, live_server, email, password, LAPTOP)

    async def offered() -> list[str]:
        return await page.eval_on_selector_all(
            "#host_id option:not([disabled]):not([value=''])", "os => os.map(o => o.textContent)"
        )

    try:
        await page.goto(f"{live_server.url}/console/reception?lang={lang}")
        await page.select_option("#site_id", str(w["cph"]))
        assert sorted(await offered()) == ["Bo Busy", "Hanne Host"]
        await page.select_option("#host_id", str(w["hanne"]))
        await page.select_option("#site_id", str(w["aarhus"]))
        assert sorted(await offered()) == ["Anders Aarhus", "Bo Busy"]
        assert await page.input_value("#host_id") == ""  # Hanne is not in Aarhus
        await page.select_option("#host_id", str(w["busy"]))
        await page.select_option("#site_id", str(w["cph"]))
        assert await page.input_value("#host_id") == str(w["busy"])  # Bo is at both
        await page.select_option("#site_id", str(w["aarhus"]))
        await page.fill("#visitor_name", "Vera Visitor")
        await page.fill("#visitor_email", "vera@example.org")
        await page.locator("#expected-form button[type=submit]").click()
        await page.wait_for_url("**/console/reception?done=*")
        expected = await ExpectedVisit.select(ExpectedVisit.host, ExpectedVisit.site).first()
        assert expected == {"host": w["busy"], "site": w["aarhus"]}
        await _shot(page, f"sites-desk-hosts-{lang}.png")
    finally:
        await context.close()
