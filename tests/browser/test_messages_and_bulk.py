"""Issue 17.4 and 17.6 in Debian's chromium at 1366x768: an admin edits a message template
(an unknown placeholder is refused beside its field, what was typed kept); a reviewer ticks
applications in the queue (checkboxes tied to the bulk form by its id) and rejects them with
the rejection message, and the result page lists what was done and what was skipped.

Screenshots in English and Danish go to INTAKE_SHOTS_DIR when set, else to a temporary folder."""

import os
from pathlib import Path

import pytest

from app.tables import Application, StageChange
from tests.factories import consenting_application, open_position, staff_member

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}


async def _signed_in(browser, base: str, role: str):
    _, email, password = await staff_member(role, email=f"{role}-browser@example.org")
    context = await browser.new_context(viewport=LAPTOP)
    page = await context.new_page()
    await page.goto(f"{base}/console/login")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("form[action='/console/login'] button[type=submit]")
    await page.wait_for_url("**/console")
    return context, page


async def test_an_admin_edits_a_template(browser, live_server, tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    context, page = await _signed_in(browser, live_server.url, "admin")
    try:
        await page.goto(f"{live_server.url}/console/messages")
        body = "#body_en-more_information"
        await page.fill(body, "Hi {first_name}, send us {password}.")
        await page.click("#template-more_information button[type=submit]")
        error = await page.inner_text("#body_en-more_information-error")
        assert "Use only {first_name}, {position} and {company}" in error
        assert await page.input_value(body) == "Hi {first_name}, send us {password}."
        await page.screenshot(path=str(shots / "templates-error-en.png"), full_page=True)
        await page.fill(body, "Hi {first_name}, please send us your portfolio.")
        await page.click("#template-more_information button[type=submit]")
        await page.wait_for_url("**saved=more_information**")
        await page.goto(f"{live_server.url}/console/messages?lang=da")
        assert "Beskedskabeloner" in await page.inner_text("h1")
        await page.screenshot(path=str(shots / "templates-da.png"), full_page=True)
    finally:
        await context.close()


async def test_a_reviewer_rejects_a_selection_with_the_template(browser, live_server,
                                                                 tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    pid = await open_position("Platform engineer")
    ids = [(await consenting_application(pid, n))["application_id"]
           for n in ("Anna One", "Bent Two")]
    no_n = (await consenting_application(pid, "Carl NoN", n=False))["application_id"]
    context, page = await _signed_in(browser, live_server.url, "hr")
    try:
        await page.goto(f"{live_server.url}/console/positions/{pid}/applications?lang=da")
        await page.screenshot(path=str(shots / "queue-bulk-da.png"), full_page=True)
        await page.goto(f"{live_server.url}/console/positions/{pid}/applications?lang=en")
        for i in (*ids, no_n):
            await page.check(f"#select-{i}")
        await page.select_option("#bulk_action", "reject_with_template")
        await page.screenshot(path=str(shots / "queue-bulk-en.png"), full_page=True)
        await page.click("#bulk button[type=submit]")
        await page.wait_for_selector("#bulk-result")
        assert await page.locator("#bulk-done li").count() == 2
        skipped = await page.inner_text("#bulk-skipped")
        assert "Carl NoN" in skipped and "purpose n" in skipped
        await page.screenshot(path=str(shots / "bulk-result-en.png"), full_page=True)
    finally:
        await context.close()
    stages = await Application.select(Application.id, Application.stage)
    assert {r["id"]: r["stage"] for r in stages} == {ids[0]: "rejected", ids[1]: "rejected",
                                                     no_n: "received"}
    assert {r["reason"] for r in await StageChange.select(StageChange.reason)} == {"rejection"}
