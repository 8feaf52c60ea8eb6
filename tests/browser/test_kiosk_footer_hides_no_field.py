"""The kiosk's visitor form with its sticky Continue bar (issue 19.6), at a phone, both tablet
orientations and a laptop, in English and Danish: whichever field the visitor focuses is
scrolled into view above the bar, never under it, and the bar stays one compact row.

Page review finding: at 1024x768 the host search ("Who are you visiting?") sat under the bar;
at 390x844 the bar was about 170 px tall (Continue and Cancel stacked) and covered the name
fields. Focusing a field scrolled only when it was outside the viewport, and the bar's strip
counted as inside.

Screenshots go to INTAKE_SHOTS_DIR when set (for a person to look at), else to the test's
temporary folder."""

import os
from pathlib import Path

import pytest

from tests.browser.test_kiosk_journey import paired_tablet, staff_page
from tests.factories import host

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "landscape": {"width": 1024, "height": 768},
         "portrait": {"width": 768, "height": 1024}, "laptop": {"width": 1366, "height": 768}}
FIELDS = "form.visit-form input:not([type=hidden]):visible"
BAR = "form.visit-form .sticky-footer"


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def _in_view(box: dict, size: dict) -> bool:
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= size["width"]
            and box["y"] + box["height"] <= size["height"])


async def _field_in_sight(tablet, field, size: dict, where: str) -> None:
    await field.focus()
    name = await field.evaluate("e => e.id || e.name + '=' + e.value")
    assert await field.evaluate("e => e === document.activeElement"), (where, name)
    box, bar = await field.bounding_box(), await tablet.locator(BAR).bounding_box()
    assert box is not None and bar is not None, (where, name)
    assert _in_view(box, size), (where, name, box)
    assert not _overlap(box, bar), (where, name, box, bar)


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
async def test_the_continue_bar_hides_no_field_the_visitor_focuses(
        browser, live_server, notices, tmp_path: Path, size, lang):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for name in ("Hanne Host", "Hans Hansen", "Hasse Hald"):
        await host(name=name, email=f"{name.split()[0].lower()}@example.org")
    staff_context, staff = await staff_page(browser, live_server)
    tablet_context, tablet = await paired_tablet(browser, live_server, staff, size)
    label = f"{size['width']}x{size['height']}-{lang}"
    try:
        await tablet.click("#start-sign-in")
        await tablet.click(f".choices a[hreflang={lang}]")
        await tablet.click("#read-notice")
        await tablet.wait_for_selector("#visitor_name")
        await tablet.screenshot(path=str(shots / f"kiosk-form-{label}.png"))
        # The host search lists three hosts: their options are fields to focus too.
        await tablet.fill("#host-search", "ha")
        await tablet.wait_for_selector("label.host-option:has-text('Hasse Hald')")
        fields = tablet.locator(FIELDS)
        count = await fields.count()
        assert count >= 3 + 6 + 3, (label, count)  # name, company, search; purposes; hosts
        # Each field from the top of the form (as the page opens), then one after the other
        # (as a visitor moves on from field to field).
        for i in range(count):
            await tablet.evaluate("() => { document.activeElement.blur(); scrollTo(0, 0); }")
            await _field_in_sight(tablet, fields.nth(i), size, f"{label} from the top")
        await tablet.evaluate("() => { document.activeElement.blur(); scrollTo(0, 0); }")
        for i in range(count):
            await _field_in_sight(tablet, fields.nth(i), size, f"{label} in turn")
        await tablet.focus("#host-search")
        await tablet.screenshot(path=str(shots / f"kiosk-form-host-search-{label}.png"))
        await tablet.evaluate("() => { document.activeElement.blur(); scrollTo(0, 0); }")
        await tablet.focus("#visitor_name")
        await tablet.screenshot(path=str(shots / f"kiosk-form-name-{label}.png"))
        # Continue and Cancel in one row, in sight, the bar far lower than the stacked 170 px.
        bar = await tablet.locator(BAR).bounding_box()
        go = await tablet.locator("#to-confirm").bounding_box()
        cancel = await tablet.locator(f"{BAR} a.button").bounding_box()
        assert bar is not None and go is not None and cancel is not None
        one_row = go["y"] < cancel["y"] + cancel["height"] and cancel["y"] < go["y"] + go["height"]
        assert bar["height"] <= 110 and one_row, (label, bar, go, cancel)
        assert _in_view(go, size) and _in_view(cancel, size), (label, go, cancel)
    finally:
        await tablet_context.close()
        await staff_context.close()
