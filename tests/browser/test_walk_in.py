"""A walk-in at the desk (issue 19, point 3), on reception's 1366x768 laptop: the notice is
shown, the visitor signed in, the badge's print dialogue opens by itself, and the visitor is
on the evacuation list at once."""

import pytest

from app.tables import Visit
from tests.browser.test_kiosk_journey import staff_page
from tests.factories import host

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}


async def test_reception_signs_a_walk_in_in_and_they_are_on_the_evacuation_list(
        browser, live_server, notices):
    await host()
    context, desk = await staff_page(browser, live_server)
    try:
        await desk.set_viewport_size(LAPTOP)
        await desk.add_init_script(
            "window.__printed = 0; window.print = () => { window.__printed += 1; };")
        await desk.goto(f"{live_server.url}/console/reception")
        await desk.click("#walk-in")
        await desk.click("#notice-da summary")  # shown to the visitor, in Danish
        assert await desk.is_visible("#notice-da .notice-body")
        await desk.select_option("#language", "da")
        await desk.check("#notice_given")
        await desk.fill("#visitor_name", "Walter Walkin")
        await desk.fill("#company", "Acme")
        await desk.select_option("#host_id", label="Hanne Host")
        await desk.select_option("#purpose", "meeting")
        await desk.select_option("#print_layout", "brother62")
        await desk.click("#walk-in-sign-in")
        await desk.wait_for_selector("#visitor-badge")
        await desk.wait_for_selector("#visitor-badge .qr svg")  # drawn by badge-qr.js (deferred)
        for _ in range(50):
            if await desk.evaluate("window.__printed") == 1:
                break
            await desk.wait_for_timeout(100)
        assert await desk.evaluate("window.__printed") == 1  # as at the kiosk
        await desk.goto(f"{live_server.url}/console/reception/evacuation")
        assert await desk.is_visible("text=Walter Walkin")
        visit = await Visit.select().first()
        assert visit["channel"] == "desk" and visit["language"] == "da"
    finally:
        await context.close()
