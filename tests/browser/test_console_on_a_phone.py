"""The console's pages with tables on a 390 px phone, in English and Danish: the page never
scrolls sideways; a wide table scrolls inside its card, in a labelled region a keyboard
reaches, and every filter fits its card. Every console table pushed its whole page wider
(up to 830 px), and the statistics' cards were 420 px wide whatever the window.

Screenshots go to INTAKE_SHOTS_DIR when set (for a person to look at), else to the test's
temporary folder."""

import os
from pathlib import Path

import pytest

from app.clock import utcnow
from app.privacy import audit
from app.privacy.audit import Actor
from app.visits.sites import SiteFields, create_site
from tests.browser.test_kiosk_journey import signed_in_page
from tests.factories import consenting_application, open_position, staff_member

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}

# Everything of the page that sticks out into its card's padding or beyond, except what
# scrolls inside a region of its own.
OUTSIDE = """() => [...document.querySelectorAll('main .card *')].filter(e => {
  const r = e.getBoundingClientRect(), card = e.closest('.card');
  const box = card.getBoundingClientRect(), pad = getComputedStyle(card);
  const right = box.right - parseFloat(pad.paddingRight) - parseFloat(pad.borderRightWidth);
  const left = box.left + parseFloat(pad.paddingLeft) + parseFloat(pad.borderLeftWidth);
  return r.width > 0 && (r.right > right + 1 || r.left < left - 1)
    && !e.closest('.table-scroll, .chart');
}).map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30))"""


async def test_wide_console_pages_fit_a_phone(browser, live_server, tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    admin, email, password = await staff_member("admin", email="phone@example.org")
    pid = await open_position("Backend developer")
    for name in ("Nora Vestergaard-Kristiansen", "Amira Haddad"):
        await consenting_application(pid, name, cv=None)
    await create_site(SiteFields("New York office", "5th Avenue 1", "America/New_York"), utcnow())
    await audit.record(Actor("staff", admin, "admin"), "application_viewed", utcnow(),
                       reason="summary,background,evaluation,contact")  # fmt: skip
    pages = {
        "home": "/console",
        "positions": "/console/positions",
        "queue": f"/console/positions/{pid}/applications",
        "screening": f"/console/positions/{pid}/questions",
        "requests": "/console/requests",
        "audit": "/console/audit",
        "disclosures": "/console/disclosures",
        "retention": "/console/retention",
        "statistics": "/console/statistics",
        "staff": "/console/staff",
        "two-factor": "/console/two-factor",
        "hosts": "/console/hosts",
        "sites": "/console/sites",
        "kiosks": "/console/kiosks",
        "notices": "/console/notices",
        "sources": "/console/sources",
        "outbox": "/console/outbox",
        "hris": "/console/hris",
    }
    context, page = await signed_in_page(browser, live_server, email, password, PHONE)
    try:
        for lang in ("en", "da"):
            for name, path in pages.items():
                answer = await page.goto(f"{live_server.url}{path}?lang={lang}")
                assert answer is not None and answer.status == 200, (name, lang)
                await page.screenshot(path=str(shots / f"phone-{name}-{lang}.png"), full_page=True)
                width = await page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], (name, lang, width)
                assert await page.evaluate(OUTSIDE) == [], (name, lang)
                regions = page.locator(".table-scroll")
                assert await page.locator("table.list").count() == await page.locator(
                    ".table-scroll table.list").count(), (name, lang)  # fmt: skip
                for i in range(await regions.count()):
                    region = regions.nth(i)
                    assert await region.get_attribute("role") == "region"
                    assert await region.get_attribute("tabindex") == "0"
                    assert await region.get_attribute("aria-label") or await region.get_attribute(
                        "aria-labelledby")  # fmt: skip
    finally:
        await context.close()
