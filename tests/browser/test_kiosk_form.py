"""The kiosk's form (issue 19, point 6) at both tablet sizes, in both languages: no host is
listed before two letters are typed, then only matching ones; Continue stays in sight (a
sticky footer) however far the form reaches."""

import pytest

from tests.browser.test_kiosk_journey import SIZES, paired_tablet, staff_page
from tests.factories import host

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("size", SIZES, ids=["landscape", "portrait"])
async def test_hosts_appear_after_two_letters_and_continue_stays_in_sight(
        browser, live_server, notices, size, lang):
    await host()
    await host(name="Hans Hansen", email="hans@example.org", )
    await host(name="Otto Other", email="otto@example.org")
    staff_context, staff = await staff_page(browser, live_server)
    tablet_context, tablet = await paired_tablet(browser, live_server, staff, size)
    try:
        await tablet.click("#start-sign-in")
        await tablet.click(f".choices a[hreflang={lang}]")
        await tablet.click("#read-notice")
        assert await tablet.locator(".host-option").count() == 0
        assert "Hanne" not in await tablet.content()
        await tablet.fill("#host-search", "h")
        await tablet.wait_for_timeout(500)
        assert await tablet.locator(".host-option").count() == 0
        await tablet.fill("#host-search", "han")
        await tablet.wait_for_selector("label.host-option:has-text('Hans Hansen')")
        assert await tablet.locator(".host-option").count() == 2
        assert not await tablet.is_visible("label.host-option:has-text('Otto Other')")
        await tablet.click("label.host-option:has-text('Hanne Host')")
        await tablet.fill("#host-search", "ott")
        await tablet.wait_for_selector("label.host-option:has-text('Otto Other')")
        # The chosen host stays chosen while the visitor searches on.
        assert await tablet.is_checked("label.host-option:has-text('Hanne Host') input")
        await tablet.fill("#host-search", "zz")
        await tablet.wait_for_selector("#host-search-hint:not(:empty)")
        for field in ("#visitor_name", "#company", "#host-search"):
            await tablet.focus(field)
            box = await tablet.locator("#to-confirm").bounding_box()
            assert box is not None and box["y"] + box["height"] <= size["height"], (field, box)
        await tablet.screenshot(path=f"/tmp/intake-kiosk-form-{lang}-{size['width']}.png")
    finally:
        await tablet_context.close()
        await staff_context.close()
