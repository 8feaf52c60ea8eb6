"""The CV read in place in Debian's chromium at 1366x768 (issue 17 point 1): a reviewer opens an
application and reads its PDF pages where they are, in English and Danish; with consent m
withdrawn, the reason stands where the CV was (point 7).

Screenshots go to INTAKE_SHOTS_DIR when set (for a person to look at), else to the test's
temporary folder."""

import os
from pathlib import Path

import pytest

from tests.browser.cv_steps import reads_the_cv_pages_in_place
from tests.documents import pdf_pages
from tests.factories import consenting_application, open_position, set_consent, staff_member

pytestmark = pytest.mark.browser


async def test_a_reviewer_reads_the_cv_pages_in_place(browser, live_server, tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    pid = await open_position("Platform engineer")
    a = await consenting_application(pid, "Petra Pages", cv=pdf_pages(3, "Petra Pages"))
    _, email, password = await staff_member("hr", email="reader@example.org")
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    base = live_server.url
    url = f"{base}/console/positions/{pid}/applications/{a['application_id']}"
    try:
        await page.goto(f"{base}/console/login")
        await page.fill("#email", email)
        await page.fill("#password", password)
        await page.click("form[action='/console/login'] button[type=submit]")
        await page.wait_for_url("**/console")
        await page.goto(f"{base}/console/positions/{pid}/applications")
        await page.click("text=Petra Pages")
        await page.wait_for_selector("#background")
        await reads_the_cv_pages_in_place(page, 3, shots, "cv-in-place-en")
        assert "3 pages" in await page.inner_text(".cv-page-count")
        await page.goto(url + "?lang=da")
        await reads_the_cv_pages_in_place(page, 3, shots, "cv-in-place-da")
        assert "3 sider" in await page.inner_text(".cv-page-count")

        await set_consent(a["candidate_id"], a["candidate_uid"], "m", False)
        await page.goto(url + "?lang=en")
        reason = await page.inner_text("#background-refused .reason")
        assert reason == "The candidate has not consented to purpose m (background)."
        assert await page.locator("img.cv-page").count() == 0
        await page.screenshot(path=str(shots / "cv-refused-en.png"))
        await page.goto(url + "?lang=da")
        danish = await page.inner_text("#background-refused .reason")
        assert danish == "Ansøgeren har ikke givet samtykke til formål m (baggrund)."
        await page.screenshot(path=str(shots / "cv-refused-da.png"))
    finally:
        await context.close()
