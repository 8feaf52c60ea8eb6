"""The console's grouped navigation in Debian's chromium, by keyboard alone, at a phone and a
laptop size, in English and Danish (review of issue 17): Tab reaches a menu, Enter opens it,
Tab reaches its first link and Enter follows it; the menu of the page one is on is marked.

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
                await page.keyboard.press("Tab")
                assert await link.evaluate("e => e === document.activeElement")
                await page.keyboard.press("Enter")
                await page.wait_for_url(f"**{first}")
                here = page.locator("details.nav-group.here summary")
                assert (await here.inner_text()).strip().startswith(menu)
        finally:
            await context.close()
