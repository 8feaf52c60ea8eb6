"""A site's own day and clock in the browser (issue 19.5): at the desk, the pre-registration
form's date follows the chosen site (near midnight two offices are on different days), and
the Kiosks page says when each tablet was last seen on its own office's clock. On a laptop
(1366x768) and a phone (390 px), English and Danish. Screenshots go to INTAKE_SCREENSHOTS
when it is set, to look at."""

from zoneinfo import ZoneInfo

import pytest

from app import dates
from app.clock import utcnow
from app.tables import Kiosk
from tests.browser.test_kiosk_journey import signed_in_page
from tests.browser.test_sites import LAPTOP, _shot
from tests.factories import enrolled_kiosk, staff_member
from tests.visits.test_site_time_zones import LATE, NEW_YORK, _away, _site

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize(
    ("size", "lang"),
    [(LAPTOP, "en"), (LAPTOP, "da"), (PHONE, "en"), (PHONE, "da")],
    ids=["laptop-en", "laptop-da", "phone-en", "phone-da"],
)
async def test_the_date_and_the_last_seen_time_are_the_sites_own(
    browser, live_server, notices, size, lang
):
    zone = _away()
    away, _ = await _site(zone, "Far away")
    ny, _ = await _site(NEW_YORK, "New York")
    kiosk_id, _ = await enrolled_kiosk("Lobby NY")
    await Kiosk.update({Kiosk.site: ny, Kiosk.last_seen_at: LATE}).where(Kiosk.id == kiosk_id)
    _, email, password = await staff_member("admin")
    context, page = await signed_in_page(browser, live_server, email, password, size)
    try:
        before = utcnow()
        await page.goto(f"{live_server.url}/console/reception?lang={lang}")
        now = utcnow()
        there = now.astimezone(ZoneInfo(zone)).date().isoformat()
        home = now.astimezone(ZoneInfo("Europe/Copenhagen")).date().isoformat()
        assert there != home
        # "Far away" is offered first: its today is the default.
        assert await page.input_value("#site_id") == str(away)
        assert await page.input_value("#expected_on") == there
        await page.select_option("#site_id", str(ny))
        # New York's day may turn while the page loads (its date is not kept apart by _away).
        ny_today = {at.astimezone(ZoneInfo(NEW_YORK)).date().isoformat() for at in (before, now)}
        assert await page.input_value("#expected_on") in ny_today
        await page.locator("#expected_on").scroll_into_view_if_needed()
        await _shot(page, f"sitezones-desk-{size['width']}-{lang}.png")
        # A date reception chose itself stays when the site changes.
        await page.fill("#expected_on", "2031-01-02")
        await page.select_option("#site_id", str(away))
        assert await page.input_value("#expected_on") == "2031-01-02"

        await page.goto(f"{live_server.url}/console/kiosks?lang={lang}")
        row = page.locator("tr", has_text="Lobby NY")
        assert dates.moment(LATE, lang, NEW_YORK) in await row.inner_text()
        assert "EDT" in dates.moment(LATE, lang, NEW_YORK)
        await row.locator("td").nth(4).scroll_into_view_if_needed()  # the phone's table scrolls
        await _shot(page, f"sitezones-kiosks-{size['width']}-{lang}.png")
    finally:
        await context.close()
