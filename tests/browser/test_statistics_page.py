"""Journey 5, the statistics an HR lead reads (issue 20): applications sent through the real
apply form show on the statistics page at once, for this month; each chart draws exactly the
numbers of the table under it; the Danish page is Danish. Screenshots at 1366x768 (English
and Danish) go to INTAKE_SCREENSHOTS when it is set, to look at."""

import os
from pathlib import Path

import pytest

from app.tables import Application
from tests.factories import staff_member
from tests.portal.support import PDF, position_slug

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


async def _apply(page, base: str, title: str, name: str, email: str, cv: Path) -> None:
    await page.goto(f"{base}/")
    await page.click(f"text={title}")
    await page.click("text=Apply for this position")
    await page.wait_for_selector("#full_name")
    await page.fill("#full_name", name)
    await page.fill("#email", email)
    await page.set_input_files("#cv", str(cv))
    await page.check("#consent_m")
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=Thank you, we received your application")


async def chart_and_table(page, key: str) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    bars = await page.eval_on_selector_all(
        f"figure[data-chart='{key}'] g[data-label]",
        "gs => gs.map(g => [g.dataset.label, g.dataset.value])",
    )
    rows = await page.eval_on_selector_all(
        f"table[data-table='{key}'] tbody tr",
        "trs => trs.map(tr => [...tr.children].map(c => c.textContent.trim()))",
    )
    return [tuple(b) for b in bars], {r[0]: r[1:] for r in rows}


async def test_this_months_applications_show_at_once_and_each_chart_is_its_table(
    browser, live_server, notices, tmp_path
):
    await position_slug("Backend developer")
    await position_slug("Designer")
    _, email, password = await staff_member("hr", email="lead@example.org")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(PDF)
    context = await browser.new_context(viewport=LAPTOP)
    page = await context.new_page()
    try:
        for n in range(6):
            await _apply(page, live_server.url, "Backend developer", f"Backend Person {n}",
                         f"backend{n}@example.org", cv)  # fmt: skip
        await _apply(page, live_server.url, "Designer", "Design Person", "design@example.org", cv)
        assert await Application.count() == 7

        await page.goto(f"{live_server.url}/console/login")
        await page.fill("#email", email)
        await page.fill("#password", password)
        await page.click("form[action='/console/login'] button[type=submit]")
        await page.wait_for_url("**/console")
        await page.goto(f"{live_server.url}/console/statistics?lang=en")
        bars, table = await chart_and_table(page, "applications")
        # This month, per position: 6 and one hidden (with its rectangle partner).
        assert table["Total"][-1] == "7"
        assert table["Designer"] == ["<5", "<5"]
        assert bars == [(label, cells[-1]) for label, cells in table.items() if label != "Total"]
        for key in ("funnel", "consent", "visits_purpose"):
            bars, table = await chart_and_table(page, key)
            assert all(table[label][0] == value for label, value in bars), key
        # Keyboard: the table under the chart is reachable with the Tab key.
        for _ in range(40):
            await page.keyboard.press("Tab")
            focused = await page.evaluate("document.activeElement.getAttribute('aria-labelledby')")
            if focused == "caption-applications":
                break
        else:
            pytest.fail("the applications table is not reachable by keyboard")
        # Labels at least 12 px.
        sizes = await page.eval_on_selector_all(
            "figure.chart text", "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))"
        )
        assert sizes and min(sizes) >= 12
        await _shot(page, "statistics-en.png")

        await page.goto(f"{live_server.url}/console/statistics?lang=da")
        assert await page.get_attribute("html", "lang") == "da"
        assert await page.is_visible("text=Ansøgninger pr. måned og stilling")
        await _shot(page, "statistics-da.png")
    finally:
        await context.close()


async def _shot(page, name: str) -> None:
    folder = os.environ.get("INTAKE_SCREENSHOTS")
    if folder:
        await page.screenshot(path=str(Path(folder) / name), full_page=False)
        await page.screenshot(path=str(Path(folder) / ("full-" + name)), full_page=True)


# Every text and bar of the named charts that lies outside its figure's box (scrolled
# out of sight), as "chart: text".
OUT_OF_SIGHT = """keys => keys.map(k => document.querySelector(`figure[data-chart='${k}']`)).flatMap(f => {
  const box = f.getBoundingClientRect();
  return [...f.querySelectorAll('g[data-label] > *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
  }).map(e => f.dataset.chart + ': ' + (e.textContent || e.tagName));
})"""


BAR_CHARTS = ["applications", "sources", "consent", "requests_received", "visits_purpose",
              "visits_location"]  # this month's applications: one bar per position


async def test_every_bar_chart_shows_its_values_on_a_phone_and_in_a_half_width_card(
    browser, live_server
):
    """A bar chart's 360 px bars beside their labels scrolled out of a phone's card (only the
    labels showed) and out of a laptop's half-width card (the site chart read 'Main office
    12' for 126). Every category chart's label, value and bar is now in sight, and the chart
    does not scroll."""
    from app.clock import utcnow
    from app.privacy import statistics
    from app.recruiting import sources
    from tests.browser.test_kiosk_journey import signed_in_page

    now = utcnow()
    month, day = statistics.local_month(now), statistics.local_day(now)
    await statistics.add("applications", month, "Warehouse operator (night shift, Aarhus)", 140)
    await statistics.add("applications", month, "Backend developer", 9)
    await statistics.add("consent", month, "m", 149, detail="given")
    await sources.ensure_defaults()
    await statistics.add("source", month, (await sources.listed("en"))[0][0], 120)
    await statistics.add("rights_received", month, "access", 7)
    await statistics.add("visits", day, "meeting", 1010, detail="Main office")
    await statistics.add("visits", day, "delivery", 490, detail="Aarhus")
    _, email, password = await staff_member("hr", email="bars@example.org")
    for size in (PHONE, LAPTOP):
        context, page = await signed_in_page(browser, live_server, email, password, size)
        try:
            for lang in ("en", "da"):
                await page.goto(f"{live_server.url}/console/statistics?lang={lang}")
                assert await page.evaluate(OUT_OF_SIGHT, BAR_CHARTS) == [], (size, lang)
                for key in BAR_CHARTS:
                    figure = page.locator(f"figure[data-chart='{key}']")
                    assert await figure.evaluate("f => f.scrollWidth <= f.clientWidth"), key
                    bars, table = await chart_and_table(page, key)
                    column = -1 if key == "applications" else 0  # a long name is cut short
                    rows = [(label, cells[column]) for label, cells in table.items()
                            if label not in ("Total", "I alt")]  # fmt: skip
                    assert len(bars) == len(rows), key
                    for (label, value), (name, cell) in zip(bars, rows, strict=True):
                        assert name.startswith(label.rstrip("…")) and value == cell, key
                await _shot(page, f"bars-{size['width']}-{lang}.png")
        finally:
            await context.close()


# The focused element's outline: its colour's contrast against its card's background, width.
RING = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => v / 255).map(
      v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const card = getComputedStyle(e.closest('.card')).backgroundColor;
  const [a, b] = [lum(s.outlineColor), lum(card)];
  return {id: e.id || e.textContent.trim(), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth),
          contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


async def test_the_picker_and_downloads_show_focus_and_keep_the_chosen_period(
    browser, live_server
):
    """Keyboard focus on the period picker, its button and the downloads is a ring of at
    least 3:1 against the card (#8db4f0 was 2.1:1 on white); a quarter chosen in the picker
    is the quarter both downloads give."""
    from app.clock import utcnow
    from app.privacy import statistics
    from app.privacy.statistics_periods import current
    from tests.browser.test_kiosk_journey import signed_in_page

    today = statistics.local_day(utcnow())
    await statistics.add("applications", statistics.local_month(today), "Backend developer", 9)
    _, email, password = await staff_member("hr", email="focus@example.org")
    context, page = await signed_in_page(browser, live_server, email, password, LAPTOP)
    try:
        await page.goto(f"{live_server.url}/console/statistics?lang=en")
        quarter = current("quarter", today).code
        await page.select_option("#period", quarter)
        await page.click("form.filters button[type=submit]")
        await page.wait_for_url(f"**period={quarter}**")
        rings = {}
        for _ in range(60):
            await page.keyboard.press("Tab")
            ring = await page.evaluate(RING) if await page.evaluate(
                "!!document.activeElement.closest('main .card')") else None  # fmt: skip
            if ring:
                rings[ring["id"]] = ring
            if "JSON" in rings:
                break
        for name in ("period", "Show", "CSV", "JSON"):
            ring = rings[name]
            assert ring["style"] != "none" and ring["width"] >= 2, ring
            assert ring["contrast"] >= 3, ring
        for kind in ("csv", "json"):
            href = await page.get_attribute(f"a[href*='statistics.{kind}']", "href")
            assert f"period={quarter}" in href
            answer = await page.request.get(f"{live_server.url}{href}")
            assert f"statistics-{quarter}.{kind}" in answer.headers["content-disposition"]
        await _shot(page, "focus-json.png")
    finally:
        await context.close()
