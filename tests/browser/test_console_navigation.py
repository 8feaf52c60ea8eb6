"""The console's grouped navigation in Debian's chromium, by keyboard alone, at a phone and a
laptop size, in English and Danish (review of issue 17): Tab reaches a menu, Enter opens it,
Escape closes it and leaves the focus on its summary (from the summary and from a link inside),
Tab reaches its first link and Enter follows it; the menu of the page one is on is marked.
With the mouse: opening one menu closes the other, a click outside closes it
(app/static/console-nav.js; without it details/summary still open and close the menus).

Screenshots go to INTAKE_SHOTS_DIR when set (for a person to look at), else to the test's
temporary folder."""

import os
from pathlib import Path

import pytest

from tests.browser.test_kiosk_journey import signed_in_page
from tests.factories import staff_member

pytestmark = pytest.mark.browser

SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}
MENU = {"en": ("Settings", "/console/sites"), "da": ("Indstillinger", "/console/sites")}


async def test_a_menu_opens_and_leads_on_by_keyboard(browser, live_server, tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    _, email, password = await staff_member("admin", email="nav@example.org")
    for size, viewport in SIZES.items():
        context, page = await signed_in_page(browser, live_server, email, password, viewport)
        try:
            for lang, (menu, first) in MENU.items():
                await page.goto(f"{live_server.url}/console?lang={lang}")
                await page.screenshot(path=str(shots / f"nav-closed-{lang}-{size}.png"))
                summary = page.locator("nav.console-nav summary", has_text=menu)
                for _ in range(40):  # Tab until the menu's summary has the focus
                    await page.keyboard.press("Tab")
                    if await summary.evaluate("e => e === document.activeElement"):
                        break
                else:
                    pytest.fail(f"Tab never reached the {menu} menu")
                await page.keyboard.press("Enter")
                link = page.locator("details[open] a").first
                assert await link.is_visible()
                for entry in await page.locator("details[open] a").all():  # inside the window
                    box = await entry.bounding_box()
                    assert box and 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]
                await page.screenshot(path=str(shots / f"nav-open-{lang}-{size}.png"))
                await page.keyboard.press("Escape")  # closes it, the focus stays on its summary
                assert await page.locator("details[open]").count() == 0
                assert await summary.evaluate("e => e === document.activeElement")
                await page.keyboard.press("Enter")
                await page.keyboard.press("Tab")
                assert await link.evaluate("e => e === document.activeElement")
                await page.keyboard.press("Escape")  # from a link inside: back to the summary
                assert await page.locator("details[open]").count() == 0
                assert await summary.evaluate("e => e === document.activeElement")
                await page.keyboard.press("Enter")
                await page.keyboard.press("Tab")
                assert await link.evaluate("e => e === document.activeElement")
                await page.keyboard.press("Enter")
                await page.wait_for_url(f"**{first}")
                here = page.locator("details.nav-group.here summary")
                assert (await here.inner_text()).strip().startswith(menu)
        finally:
            await context.close()


async def test_one_menu_open_at_a_time_and_a_click_outside_closes_it(browser, live_server):
    _, email, password = await staff_member("admin", email="nav-mouse@example.org")
    context, page = await signed_in_page(browser, live_server, email, password, SIZES["1366"])
    try:
        await page.goto(f"{live_server.url}/console?lang=en")
        people = page.locator("details.nav-group", has_text="People")
        settings = page.locator("details.nav-group", has_text="Settings")
        await people.locator("summary").click()
        assert await people.evaluate("e => e.open")
        await settings.locator("summary").click()
        assert await settings.evaluate("e => e.open")
        assert not await people.evaluate("e => e.open")
        assert await page.locator("details.nav-group[open]").count() == 1
        await page.locator("main").click(position={"x": 5, "y": 5})
        assert await page.locator("details.nav-group[open]").count() == 0
        await settings.locator("summary").click()  # a click inside the open menu leaves it open
        await settings.locator("ul").click(position={"x": 2, "y": 2})
        assert await settings.evaluate("e => e.open")
    finally:
        await context.close()
