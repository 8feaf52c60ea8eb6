"""Findings of a page review of the staff console, at their cause, in English and Danish:

1. On a 390 px phone the audit log's time ("4 December 2026 14:05 CET" in one piece) took
   most of its table's width and squeezed the action and reason columns.
2. On a phone the header's "Log out" / "Log ud" broke onto two lines.
3. On a phone the retention page's due table squeezed "Inden for 30 dage" to a word a line
   and ran out of its card (it scrolled there).
4. On a review queue at 1024x768 in English, "Received from" ended one line and "to" began
   the next.

And no page scrolls sideways at 390, 1024 or 1366 px. Screenshots go to INTAKE_SHOTS_DIR
when set (for a person to look at), else to the test's temporary folder."""

import os
from datetime import timedelta
from pathlib import Path

import pytest

from app.clock import utcnow
from app.privacy import audit
from app.privacy.audit import Actor
from tests.browser.test_kiosk_journey import signed_in_page
from tests.factories import consenting_application, open_position, staff_member, visit_row

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1024, "height": 768},
         "laptop": {"width": 1366, "height": 768}}

# How many lines an element's text takes (its line boxes, not its cell's height).
LINES = """e => { const r = document.createRange(); r.selectNodeContents(e);
  return new Set([...r.getClientRects()].filter(b => b.width > 0)
    .map(b => Math.round(b.top))).size; }"""
# The due table's header cells: their words, their lines, and whether they show whole in the
# table's region.
DUE = "main section.card:nth-of-type(2) > h2 + .table-scroll"  # "Due now and in the next 30 days"
DUE_HEADERS = """lines => [...document.querySelectorAll('DUE thead th')].map(th => {
  const box = th.closest('.table-scroll').getBoundingClientRect(), r = th.getBoundingClientRect();
  return {text: th.textContent.trim(), words: th.textContent.trim().split(/\\s+/).length,
          lines: lines(th), whole: r.left >= box.left - 1 && r.right <= box.right + 1};
})""".replace("DUE", DUE)


async def _pages(browser, live_server, tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    admin, email, password = await staff_member("admin", email="review@example.org")
    pid = await open_position("Backend developer")
    apps = [await consenting_application(pid, name, cv=None)
            for name in ("Nora Vestergaard-Kristiansen", "Amira Haddad")]  # fmt: skip
    now = utcnow()
    # A visit falling due in the next 30 days: the due table shows a date and time.
    await visit_row("Vera Visitor", signed_out_at=now, erase_after=now + timedelta(days=3))
    for reason in ("summary,background,evaluation,contact", "summary"):
        await audit.record(Actor("staff", admin, "admin"), "application_viewed", now,
                           subject_kind="application", subject_ref=apps[0]["application_id"],
                           reason=reason)  # fmt: skip
    pages = {"audit": "/console/audit", "queue": f"/console/positions/{pid}/applications",
             "retention": "/console/retention"}
    return shots, email, password, pages


async def test_console_pages_as_reviewed(browser, live_server, tmp_path: Path):
    shots, email, password, pages = await _pages(browser, live_server, tmp_path)
    for size, viewport in SIZES.items():
        context, page = await signed_in_page(browser, live_server, email, password, viewport)
        try:
            for lang in ("en", "da"):
                for name, path in pages.items():
                    answer = await page.goto(f"{live_server.url}{path}?lang={lang}")
                    assert answer is not None and answer.status == 200, (name, lang)
                    await page.screenshot(path=str(shots / f"review-{name}-{size}-{lang}.png"), full_page=True)
                    width = await page.evaluate("document.documentElement.scrollWidth")
                    assert width <= viewport["width"], (name, size, lang, width)
                    where = (name, size, lang)
                    # 2. "Log out" / "Log ud" on one line, at every size.
                    logout = page.locator("form.logout button[type=submit]")
                    assert await logout.evaluate(LINES) == 1, where
                    if name == "audit" and size == "phone":
                        # 1. The time column at most about a third of its table.
                        share = await page.evaluate("""() => {
                          const t = document.querySelector('table.audit');
                          return t.querySelector('tbody td').getBoundingClientRect().width
                            / t.getBoundingClientRect().width; }""")  # fmt: skip
                        assert share <= 0.35, (where, share)
                    if name == "retention" and size == "phone":
                        # 3. The due table fits its card: no header cell squeezed or cut.
                        region = page.locator(DUE)
                        assert await region.evaluate("r => r.scrollWidth <= r.clientWidth"), where
                        headers = await page.evaluate(f"() => ({DUE_HEADERS})({LINES})")
                        assert len(headers) == 4, headers
                        squeezed = [h for h in headers
                                    if not h["whole"] or h["lines"] > min(2, h["words"])]  # fmt: skip
                        assert squeezed == [], (where, squeezed)
                    if name == "queue" and size != "phone":
                        # 4. "Received from" and "to" with their dates on one line.
                        tops = [await page.locator(f"#{i}").evaluate(
                            "e => Math.round(e.getBoundingClientRect().top)") for i in ("from", "to")]  # fmt: skip
                        assert tops[0] == tops[1], (where, tops)
        finally:
            await context.close()
