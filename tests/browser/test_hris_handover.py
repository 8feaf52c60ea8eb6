"""HR hands a hired candidate over to the HR system on a 1366x768 laptop (issue 17 point 10):
the button is on the hired candidate's page only, one click queues the signed webhook, and
the admin's delivery log names nobody. INTAKE_SHOTS=<folder> keeps the screenshots."""

import pytest

from app.tables import Application, HrisHandover
from tests.browser.test_console_home import LAPTOP, _shot
from tests.browser.test_kiosk_journey import staff_page
from tests.conftest import LiveServer
from tests.factories import consenting_application, open_position

pytestmark = pytest.mark.browser


@pytest.fixture
def webhook_server():
    """A server of its own whose settings name an HR system (never reached: the delivery
    job is not run here; tests/recruiting/test_hris_handover.py sends to a real one)."""
    server = LiveServer({
        "INTAKE_COOKIE_SECURE": "0", "INTAKE_HRIS_WEBHOOK_URL": "https://hris.invalid/hook",
        "INTAKE_HRIS_WEBHOOK_SECRET": "browser-test-secret-0123456789abcdef",
    }).start()  # fmt: skip
    yield server
    server.stop()


async def test_hr_marks_a_hired_candidate_handed_over(browser, webhook_server):
    pid = await open_position("Data engineer")
    hired = await consenting_application(pid, "Hanna Hired", cv=None)
    offer = await consenting_application(pid, "Olga Offer", cv=None)
    for a, stage in ((hired, "hired"), (offer, "offer")):
        await Application.update({Application.stage: stage}).where(
            Application.id == a["application_id"]
        )
    context, page = await staff_page(browser, webhook_server, "hr")
    try:
        await page.set_viewport_size(LAPTOP)
        base = f"{webhook_server.url}/console/positions/{pid}/applications"
        await page.goto(f"{base}/{offer['application_id']}")
        assert await page.locator("#hand-over-button").count() == 0
        await page.goto(f"{base}/{hired['application_id']}?lang=en")
        await page.locator("#hand-over").scroll_into_view_if_needed()
        await _shot(page, "handover-before-en")
        await page.click("#hand-over-button")
        await page.wait_for_selector("#hand-over .notice")
        assert await HrisHandover.count() == 1
        await page.locator("#hand-over").scroll_into_view_if_needed()
        await _shot(page, "handover-after-en")
        await page.goto(f"{base}/{hired['application_id']}?lang=da")
        await page.locator("#hand-over").scroll_into_view_if_needed()
        assert "venter på, at HR-systemet bekræfter" in await page.inner_text("#hand-over")
        await _shot(page, "handover-after-da")
    finally:
        await context.close()
    context, page = await staff_page(browser, webhook_server, "admin")
    try:
        await page.set_viewport_size(LAPTOP)
        for lang in ("en", "da"):
            await page.goto(f"{webhook_server.url}/console/hris?lang={lang}")
            assert "Hanna Hired" not in await page.content()
            await _shot(page, f"hris-log-{lang}")
    finally:
        await context.close()
