"""A tablet that recovers by itself (issue 19, point 4): the server is cut while a visitor
is mid-step; the tap that cannot reach it shows "see reception" (never the browser's error
page, nothing of the visitor kept), and the tablet returns to the welcome screen by itself
when the server is back. The service worker's cache holds no page of anyone."""

import pytest

from tests.browser.test_kiosk_journey import NAME, leftovers, paired_tablet, staff_page
from tests.conftest import LiveServer
from tests.factories import host

pytestmark = pytest.mark.browser


async def _controlled(tablet) -> None:
    for _ in range(50):
        if await tablet.evaluate("!!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            return
        await tablet.wait_for_timeout(100)
    raise AssertionError("the kiosk's service worker never took control")


async def _cached(tablet) -> list[str]:
    return await tablet.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) { urls.push(request.url); }
        }
        return urls; }""")


@pytest.mark.parametrize("step", ["link", "form"])
async def test_a_cut_mid_step_shows_see_reception_and_the_tablet_comes_back(
        browser, notices, step):
    await host()
    server = LiveServer({"INTAKE_COOKIE_SECURE": "0"}).start()
    staff_context = tablet_context = None
    try:
        staff_context, staff = await staff_page(browser, server)
        tablet_context, tablet = await paired_tablet(
            browser, server, staff, {"width": 1024, "height": 768})
        await tablet.click("#start-sign-in")
        await tablet.click(".choices a[hreflang=en]")
        await _controlled(tablet)
        if step == "form":
            await tablet.click("#read-notice")
            await tablet.fill("#visitor_name", NAME)
        server.stop()
        await tablet.click("#to-confirm" if step == "form" else "#read-notice")
        await tablet.wait_for_selector("#kiosk-offline", timeout=10000)
        assert not tablet.url.startswith("chrome-error")
        assert await tablet.is_visible("text=Please see reception")
        assert NAME not in await tablet.content() and NAME not in await leftovers(tablet)
        cached = await _cached(tablet)
        assert cached and all("/static/" in url for url in cached), cached

        server.start()  # the same port: the tablet finds it again by itself
        await tablet.wait_for_selector("#start-sign-in", timeout=15000)
        assert tablet.url.endswith("/kiosk")
    finally:
        for context in (tablet_context, staff_context):
            if context is not None:
                await context.close()
        server.stop()
