"""Journey: the new admin logs in with the one-time password, is made to choose a new one,
and lands on the console home."""

import pytest

from app.clock import utcnow
from app.staff.services import ensure_first_admin

pytestmark = pytest.mark.browser


async def test_first_admin_journey(browser, live_server):
    email, one_time = await ensure_first_admin(utcnow())
    page = await browser.new_page()
    try:
        await page.goto(f"{live_server.url}/console")
        assert "/console/login" in page.url
        await page.fill("#email", email)
        await page.fill("#password", one_time)
        await page.click("button[type=submit]")
        await page.wait_for_url("**/console/password")
        assert await page.is_visible("text=one-time password")
        await page.fill("#current_password", one_time)
        await page.fill("#new_password", "my own admin passphrase")
        await page.fill("#confirm_password", "my own admin passphrase")
        await page.click("form[action='/console/password'] button[type=submit]")
        await page.wait_for_url("**/console?changed=1")
        assert await page.is_visible("text=Welcome, Administrator")
        assert await page.is_visible("text=Your new password is saved.")
    finally:
        await page.close()
