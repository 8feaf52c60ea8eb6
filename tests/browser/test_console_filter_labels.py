"""The console's filter forms (the audit log, a position's review queue) on a 390 px phone and
a 1366x768 laptop, in English and Danish: every label stays with its own field, beside it or
directly above it, in one group that wraps as a whole. The audit log's "Fra" sat at the end
of one line and its date field at the start of the next at 1366x768, and so did the queue's
"Consent" on a phone (review finding 2), and the statistics' "Visits" ended a line on a phone
with "of" and its list on the next (statistics review).

Screenshots go to INTAKE_SHOTS_DIR when set (for a person to look at), else to the test's
temporary folder."""

import os
from pathlib import Path

import pytest

from app.clock import utcnow
from app.privacy import audit
from app.privacy.audit import Actor
from app.visits.sites import SiteFields, create_site, first_site_id
from tests.browser.test_kiosk_journey import signed_in_page
from tests.factories import consenting_application, open_position, staff_member

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}

# Each filter label with its field: where the label is against the field, and whether one
# group holds both.
PAIRS = """() => [...document.querySelectorAll('form.filters label[for]')].map(label => {
  const field = document.getElementById(label.htmlFor);
  const l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
  const beside = l.top < f.bottom && l.bottom > f.top && l.right <= f.left + 1
    && f.left - l.right < 24;
  const above = l.bottom <= f.top + 1 && f.top - l.bottom < 16
    && l.left < f.right && l.right > f.left;
  const group = label.parentElement;
  return {label: label.textContent.trim(), beside, above,
          grouped: group !== label.form && group.contains(field)};
})"""


async def test_every_filter_label_stays_with_its_field(browser, live_server, tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    admin, email, password = await staff_member("admin", email="filters@example.org")
    pid = await open_position("Backend developer")
    await consenting_application(pid, "Amira Haddad", cv=None)
    await audit.record(Actor("staff", admin, "admin"), "application_viewed", utcnow(),
                       reason="summary")  # fmt: skip
    await first_site_id()
    await create_site(SiteFields("Aarhus"), utcnow())  # two sites: the statistics' "Visits of"
    pages = {"audit": "/console/audit", "queue": f"/console/positions/{pid}/applications",
             "statistics": "/console/statistics"}  # fmt: skip
    fields = {"audit": 5, "queue": 5, "statistics": 2}
    for size, viewport in SIZES.items():
        context, page = await signed_in_page(browser, live_server, email, password, viewport)
        try:
            for lang in ("en", "da"):
                for name, path in pages.items():
                    answer = await page.goto(f"{live_server.url}{path}?lang={lang}")
                    assert answer is not None and answer.status == 200, (name, lang)
                    await page.screenshot(path=str(shots / f"filters-{name}-{size}-{lang}.png"), full_page=True)
                    pairs = await page.evaluate(PAIRS)
                    assert len(pairs) >= fields[name], (name, lang, pairs)
                    astray = [p for p in pairs if not ((p["beside"] or p["above"]) and p["grouped"])]
                    assert astray == [], (name, size, lang, astray)
        finally:
            await context.close()
