"""Issue 21's journey on a 390x844 phone, in Danish: apply with an e-mail typo, fix it without
choosing the CV again, read the consent choices in plain words, and later open a used sign-in
link and get a new one."""

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.recruiting.cv_store import read_cv
from app.tables import Application, CVFile, KeptCV, Token
from tests.browser.test_portal_journey import PHONE, no_sideways_scroll
from tests.portal.support import PDF, latest_signin_token, position_slug

pytestmark = pytest.mark.browser


async def test_a_danish_candidate_on_a_phone_loses_nothing_and_meets_no_dead_end(
        browser, live_server, notices, tmp_path):
    slug = await position_slug("Udvikler")
    cv = tmp_path / "mit-cv.pdf"
    cv.write_bytes(PDF)
    context = await browser.new_context(viewport=PHONE, locale="da-DK",
                                        extra_http_headers={"accept-language": "da-DK,da"})
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/apply/{slug}")
        # Plain words, no policy letters.
        await page.get_by_label("Lad HR læse mit CV og min baggrund").check()
        await page.get_by_label("Lad HR vurdere mig i samtaler").check()
        assert "formål m" not in await page.content()
        await page.fill("#full_name", "Karen Blixen")
        await page.fill("#email", "karen@example")  # the typo
        await page.set_input_files("#cv", str(cv))
        await page.click("button[type=submit]")
        await page.wait_for_selector("#email-error")
        assert "Skriv en gyldig e-mailadresse." in await page.inner_text("#email-error")
        kept = await page.inner_text("#cv-kept")
        assert kept == "Dit CV mit-cv.pdf er gemt, du behøver ikke vælge det igen."
        await no_sideways_scroll(page)
        assert await Application.count() == 0 and await KeptCV.count() == 1

        await page.fill("#email", "karen@example.org")  # fixed; the CV is not chosen again
        await page.click("button[type=submit]")
        await page.wait_for_selector("text=Tak, vi har modtaget din ansøgning")
        stored = await CVFile.select().first()
        assert await read_cv(stored) == PDF and stored["original_name"] == "mit-cv.pdf"
        assert await KeptCV.count() == 0

        token = await latest_signin_token("karen@example.org")
        await page.goto(f"{live_server.url}/me/signin/{token}")
        await page.click("text=Fortsæt til min side")
        await page.wait_for_url("**/me")
        withdraw = page.get_by_role("button", name="Træk tilbage: Lad HR læse mit CV og min baggrund")
        assert await withdraw.is_visible()
        await no_sideways_scroll(page)

        # Later: the same (used) link offers a new one.
        await context.clear_cookies()
        await Token.update({Token.created_at: utcnow() - timedelta(minutes=5)}, force=True)
        await page.goto(f"{live_server.url}/me/signin/{token}")
        await page.wait_for_selector("text=Dette login-link er brugt eller udløbet")
        await no_sideways_scroll(page)
        await page.click("text=Send mig et nyt link")
        await page.wait_for_selector("text=Vi sender et nyt login-link")
        fresh = await latest_signin_token("karen@example.org")
        assert fresh != token
        await page.goto(f"{live_server.url}/me/signin/{fresh}")
        await page.click("text=Fortsæt til min side")
        await page.wait_for_url("**/me")
        assert "Hej, Karen Blixen" in await page.content()
    finally:
        await context.close()
