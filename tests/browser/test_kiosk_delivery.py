"""A courier at the tablet (issue 19, point 8), at 1024x768 and 768x1024 in English and
Danish: choosing Delivery hides the name field (and empties it), the company and the
recipient are enough, and the courier gets a thank-you, not a badge. Screenshots go to
INTAKE_SCREENSHOTS when it is set, to look at."""

import os
from pathlib import Path

import pytest

from app.tables import Visit
from tests.browser.test_kiosk_journey import leftovers
from tests.factories import enrolled_kiosk, host

pytestmark = pytest.mark.browser
SIZES = [{"width": 1024, "height": 768}, {"width": 768, "height": 1024}]
RECIPIENT = {"en": "Who is the delivery for?", "da": "Hvem er leveringen til?"}
DELIVERY = {"en": "Delivery", "da": "Levering"}


@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["en", "da"])
async def test_a_courier_signs_a_delivery_in_without_a_name(browser, live_server, notices,
                                                            size, lang):
    await host()
    _, credential = await enrolled_kiosk()
    context = await browser.new_context(viewport=size, has_touch=True)
    await context.add_cookies([{"name": "intake_kiosk", "value": credential,
                                "url": live_server.url}])  # fmt: skip
    tablet = await context.new_page()
    try:
        await tablet.goto(f"{live_server.url}/kiosk")
        await tablet.click("#start-sign-in")
        await tablet.click(f".choices a[hreflang={lang}]")
        await tablet.click("#read-notice")
        await tablet.fill("#visitor_name", "Kurt Courier")
        await tablet.click(f"label.chip:has-text('{DELIVERY[lang]}')")
        assert not await tablet.is_visible("#visitor_name")
        assert await tablet.is_visible(f"text={RECIPIENT[lang]}")
        assert await tablet.is_visible("#to-confirm")  # the sticky footer
        await tablet.fill("#company", "Fast Parcels")
        await tablet.fill("#host-search", "hann")
        await tablet.click("label.host-option:has-text('Hanne Host')")
        folder = os.environ.get("INTAKE_SCREENSHOTS")
        if folder:
            await tablet.screenshot(
                path=str(Path(folder) / f"delivery-{lang}-{size['width']}.png"))
        await tablet.click("#to-confirm")
        await tablet.click("#sign-me-in")
        await tablet.wait_for_selector("#delivery-done")
        if folder:
            await tablet.screenshot(
                path=str(Path(folder) / f"delivery-done-{lang}-{size['width']}.png"))
        visit = await Visit.select(Visit.visitor_name, Visit.company, Visit.purpose).first()
        assert visit == {"visitor_name": "", "company": "Fast Parcels", "purpose": "delivery"}
        assert "Kurt" not in await leftovers(tablet)
    finally:
        await context.close()
