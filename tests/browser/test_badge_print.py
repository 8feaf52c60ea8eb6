"""Printed badges (issue 19, points 1 and 2): each kiosk's layout prints through Chromium to a
PDF of its CSS @page size, one page, holding the first name, the host, the date, "valid
today" and the QR code, and nothing else about the visitor (no surname, no company). The QR
code, read from the printed page as a phone reads it, opens the sign-out page on a phone,
and one tap signs the visitor out."""

import pypdfium2
import pytest
import zxingcpp

from app.tables import Kiosk, Visit
from app.visits.kiosks import set_print_layout
from tests.browser.test_kiosk_journey import NAME, SIZES, paired_tablet, staff_page
from tests.factories import host

pytestmark = pytest.mark.browser

MM = 72 / 25.4  # PDF points per millimetre
PAGE_MM = {"brother62": (62, 90), "dymo89x36": (89, 36), "a6": (105, 148)}
LANDSCAPE, PORTRAIT = SIZES
# Every layout, and every language at every tablet size (issue 19: "at 1024x768 and
# 768x1024, in both languages").
CASES = [("a6", "en", LANDSCAPE), ("brother62", "da", PORTRAIT),
         ("dymo89x36", "en", PORTRAIT), ("dymo89x36", "da", LANDSCAPE)]
SHOWN = {"en": ("Hanne Host", "Valid today"), "da": ("Hanne Host", "Gælder i dag")}
COUNT_PRINTS = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


async def _printed_badge(browser, live_server, layout: str, lang: str = "en", size=LANDSCAPE):
    await host(email="hanne.host@example.org")
    staff_context, staff = await staff_page(browser, live_server)
    tablet_context, tablet = await paired_tablet(browser, live_server, staff, size)
    await set_print_layout((await Kiosk.select(Kiosk.id).first())["id"], layout)
    await tablet.add_init_script(COUNT_PRINTS)
    await tablet.click("#start-sign-in")
    await tablet.click(f".choices a[hreflang={lang}]")
    await tablet.click("#read-notice")
    await tablet.fill("#visitor_name", NAME)
    await tablet.fill("#company", "Acme")
    await tablet.fill("#host-search", "hann")
    await tablet.click("label.host-option:has-text('Hanne Host')")
    await tablet.click("label.chip >> nth=0")
    await tablet.click("#to-confirm")
    await tablet.click("#sign-me-in")
    await tablet.wait_for_selector("#signout-code")
    return staff_context, tablet_context, tablet


@pytest.mark.parametrize(("layout", "lang", "size"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]['width']}" for c in CASES])
async def test_each_layout_prints_one_badge_of_its_size_with_the_minimum(
        browser, live_server, notices, layout, lang, size):
    staff_context, tablet_context, tablet = await _printed_badge(
        browser, live_server, layout, lang, size)
    phone_context = await browser.new_context(viewport={"width": 390, "height": 844})
    try:
        for _ in range(50):  # the dialogue opens by itself (wait_for_function needs eval: CSP)
            if await tablet.evaluate("window.__printed") == 1:
                break
            await tablet.wait_for_timeout(100)
        assert await tablet.evaluate("window.__printed") == 1
        pdf = pypdfium2.PdfDocument(await tablet.pdf(prefer_css_page_size=True))
        assert len(pdf) == 1, "a badge is one page"
        width, height = pdf[0].get_size()
        want_w, want_h = PAGE_MM[layout]
        assert abs(width - want_w * MM) < 2 and abs(height - want_h * MM) < 2, (width, height)
        text = pdf[0].get_textpage().get_text_bounded()
        first, surname = NAME.split()
        for shown in (first, *SHOWN[lang]):
            assert shown in text, shown
        code = (await tablet.inner_text("#signout-code")).strip()
        for hidden in (surname, "Acme", "hanne.host@", code):
            assert hidden not in text, hidden

        image = pdf[0].render(scale=4).to_pil()
        links = [found.text for found in zxingcpp.read_barcodes(image)]
        assert len(links) == 1 and "/OUT/" in links[0], links
        phone = await phone_context.new_page()
        await phone.goto(links[0])
        await phone.click("#phone-sign-out")  # one tap, no app, no login
        await phone.wait_for_selector("#signed-out")
        assert (await Visit.select().first())["signed_out_by"] == "phone"
        await phone.goto(links[0])
        assert await phone.is_visible("text=no longer works")
    finally:
        await phone_context.close()
        await tablet_context.close()
        await staff_context.close()


async def test_a_kiosk_that_does_not_print_never_opens_the_dialogue(browser, live_server, notices):
    staff_context, tablet_context, tablet = await _printed_badge(browser, live_server, "none")
    try:
        await tablet.wait_for_timeout(1000)
        assert await tablet.evaluate("window.__printed") == 0
    finally:
        await tablet_context.close()
        await staff_context.close()


@pytest.mark.parametrize(("lang", "size"), [("en", LANDSCAPE), ("da", LANDSCAPE), ("da", PORTRAIT)],
                         ids=["en-1024", "da-1024", "da-768"])
async def test_the_sign_out_code_and_done_are_in_sight_without_scrolling(
        browser, live_server, notices, lang, size):
    """On a landscape tablet the badge stood 1,000 px tall: the sign-out code and Done were
    below the fold, and a visitor who did not scroll never saw the code (issue 19.6 keeps
    Continue in sight on the form; the badge gets the same)."""
    staff_context, tablet_context, tablet = await _printed_badge(
        browser, live_server, "none", lang, size)
    try:
        # The QR code is drawn by a deferred script after the page is there: measured before,
        # the layout was not yet the visitor's (a helper saw this fail once under load).
        await tablet.wait_for_selector(".visitor-badge .qr svg")
        for selector in ("#signout-code", "#done", ".visitor-badge .qr"):
            box = await tablet.locator(selector).bounding_box()
            assert box is not None and box["y"] >= 0, selector
            assert box["y"] + box["height"] <= size["height"], (selector, box)
        assert await tablet.evaluate("window.scrollY") == 0
    finally:
        await staff_context.close()
        await tablet_context.close()
