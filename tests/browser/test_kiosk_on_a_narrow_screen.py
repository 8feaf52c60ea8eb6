"""The kiosk's screens on a narrow screen (390 px, a phone; the visitor's own phone opens the
sign-out page from the badge): nothing is wider than the screen, in Danish and English. The
Danish notice's heading ("Privatlivserklæring") made the page scroll sideways (418 px)."""

import pytest

from tests.browser.test_kiosk_journey import paired_tablet, staff_page
from tests.factories import host

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# Wider than the screen: the page itself, or any element's text (a word that does not wrap).
WIDE = """() => [document.documentElement.scrollWidth].concat(
  [...document.querySelectorAll('h1, h2, p, a, button, label, summary')]
    .filter(e => !e.closest('.sr-only'))  // 1 px on purpose: for screen readers
    .filter(e => (getComputedStyle(e).display !== 'inline' && e.scrollWidth > e.clientWidth + 1)
      || e.getBoundingClientRect().right > innerWidth + 1)
    .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 40)))"""


async def _fits(page, where: str) -> None:
    width, *too_wide = await page.evaluate(WIDE)
    assert width <= PHONE["width"] and not too_wide, (where, width, too_wide)


@pytest.mark.parametrize("lang", ["da", "en"])
async def test_the_kiosk_screens_fit_a_narrow_screen(browser, live_server, notices, lang):
    await host(email="hanne.host@example.org")
    staff_context, staff = await staff_page(browser, live_server)
    tablet_context, tablet = await paired_tablet(browser, live_server, staff, PHONE)
    try:
        await _fits(tablet, "welcome")
        # Each check waits for its screen: measured mid-navigation, the document was gone
        # ("Cannot read properties of null (reading 'scrollWidth')", once under load).
        await tablet.click("#start-sign-in")
        await tablet.wait_for_selector(f".choices a[hreflang={lang}]")
        await _fits(tablet, "language")
        await tablet.click(f".choices a[hreflang={lang}]")
        await tablet.wait_for_selector("#read-notice")
        await _fits(tablet, "notice")
        invitation = await tablet.get_attribute("#have-code", "href")
        await tablet.click("#read-notice")
        await tablet.wait_for_selector("#visitor_name")
        await _fits(tablet, "details")
        await tablet.goto(f"{live_server.url}{invitation}")
        await tablet.wait_for_load_state()
        await _fits(tablet, "invitation")
    finally:
        await staff_context.close()
        await tablet_context.close()
