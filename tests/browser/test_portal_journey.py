"""Journey 1 on a phone (390 px): apply with a CV, come back by the mailed link, withdraw a
consent, download everything and erase everything."""

import io
import zipfile

import pytest

from app.tables import Application, Candidate, ConsentEvent, CVFile
from tests.portal.support import PDF, latest_signin_token, position_slug

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


async def no_sideways_scroll(page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide"


async def test_apply_withdraw_download_and_erase_on_a_phone(browser, live_server, notices,
                                                            tmp_path):
    await position_slug("Phone-friendly developer")
    cv = tmp_path / "my-cv.pdf"
    cv.write_bytes(PDF)
    context = await browser.new_context(viewport=PHONE, accept_downloads=True)
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/")
        await page.click("text=Phone-friendly developer")
        await page.click("text=Apply for this position")
        # The click starts a navigation; measure the form's page, not the one in between.
        await page.wait_for_selector("#full_name")
        await no_sideways_scroll(page)
        await page.fill("#full_name", "Grace Hopper")
        await page.fill("#email", "grace@example")  # a typo first
        await page.set_input_files("#cv", str(cv))
        await page.fill("#cover_letter", "Compilers are fun.")
        await page.check("#consent_m")
        await page.check("#consent_n")
        await page.click("button[type=submit]")
        await page.wait_for_selector("#email-error")
        assert await page.input_value("#full_name") == "Grace Hopper"  # what was typed is kept
        assert await page.is_checked("#consent_n")
        assert await Application.count() == 0
        await page.fill("#email", "grace@example.org")
        await page.set_input_files("#cv", str(cv))
        await page.click("button[type=submit]")
        await page.wait_for_selector("text=Thank you, we received your application")
        assert await Application.count() == 1 and await CVFile.count() == 1

        token = await latest_signin_token("grace@example.org")
        await page.goto(f"{live_server.url}/me/signin/{token}")
        await page.click("text=Continue to my page")
        await page.wait_for_url("**/me")
        await no_sideways_scroll(page)

        await page.click("#consent-n button[type=submit]")
        await page.wait_for_url("**/me?done=consent")
        me = await Candidate.select().first()
        assert me["consent_m"] and not me["consent_n"]
        assert await ConsentEvent.exists().where(ConsentEvent.action == "withdrawn")

        async with page.expect_download() as info:
            await page.click("text=Download all my data (ZIP)")
        download = await info.value
        archive = zipfile.ZipFile(io.BytesIO((await download.path()).read_bytes()))
        everything = b"".join(archive.read(n) for n in archive.namelist())
        assert b"Grace Hopper" in everything and PDF in everything

        await page.click("text=Erase everything about me")
        await page.click("button:has-text('Erase everything')")
        await page.wait_for_selector("text=Everything about you is erased")
        assert "Grace" not in await page.content()
        assert await Candidate.count() == 0 and await Application.count() == 0
        await page.goto(f"{live_server.url}/me")
        assert "/me/signin" in page.url
    finally:
        await context.close()


async def test_the_sign_in_form_works_by_keyboard_alone_in_danish(browser, live_server, notices):
    context = await browser.new_context(viewport=PHONE, locale="da-DK",
                                        extra_http_headers={"accept-language": "da"})
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/me")
        assert "/me/signin" in page.url
        assert await page.is_visible("text=Åbn din kandidatside")
        for _ in range(12):  # Tab until the e-mail field has the focus
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.id") == "email":
                break
        assert await page.evaluate("document.activeElement.id") == "email"
        await page.keyboard.type("nobody@example.org")
        await page.keyboard.press("Enter")
        await page.wait_for_selector("text=Hvis vi kender adressen")
        await no_sideways_scroll(page)
    finally:
        await context.close()
