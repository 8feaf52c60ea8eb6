"""Rejecting from the application page's stage form in Debian's chromium at 1366x768 (GDPR
Art. 22): without a reason the form says so beside the field and nothing changes; with the
reason and the mail unticked the application is rejected, the reason recorded, nothing sent.

Screenshots in English and Danish go to INTAKE_SHOTS_DIR when set, else to a temporary folder."""

import os
from pathlib import Path

import pytest

from app.tables import Application, OutboxMail, StageChange
from tests.browser.test_messages_and_bulk import _signed_in
from tests.factories import consenting_application, open_position

pytestmark = pytest.mark.browser


async def test_a_reviewer_rejects_from_the_stage_form(browser, live_server, tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    pid = await open_position("Platform engineer")
    aid = (await consenting_application(pid, "Rasmus Reject"))["application_id"]
    context, page = await _signed_in(browser, live_server.url, "hr")
    try:
        at = f"{live_server.url}/console/positions/{pid}/applications/{aid}"
        await page.goto(at + "?lang=da")
        await page.locator("#evaluation").screenshot(path=str(shots / "stage-reject-da.png"))
        await page.goto(at + "?lang=en")
        await page.select_option("#to_stage", "rejected")
        await page.click("#move")
        error = await page.inner_text("#reason-error")
        assert "Choose the reason for the rejection." in error
        await page.locator("#evaluation").screenshot(path=str(shots / "stage-reject-error-en.png"))
        assert (await Application.select().first())["stage"] == "received"
        assert await page.input_value("#to_stage") == "rejected"  # what was chosen is kept
        await page.select_option("#reason", "rejection")
        await page.uncheck("#notify")
        await page.click("#move")
        await page.wait_for_url("**done=stage**")
        history = await page.inner_text("#evaluation")
        assert "Received → Rejected" in history and "Reason: Rejection" in history
        await page.locator("#evaluation").screenshot(path=str(shots / "stage-rejected-en.png"))
    finally:
        await context.close()
    (change,) = await StageChange.select()
    assert (change["to_stage"], change["reason"]) == ("rejected", "rejection")
    assert await OutboxMail.count() == 0
