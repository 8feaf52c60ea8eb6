"""Journey 3: an HR reviewer opens the queue for a position, reads a CV, scores, comments and
moves the candidate to interview."""

from pathlib import Path

import pytest

from app.tables import Application, Comment, CriterionScore, StageChange
from tests.factories import consenting_application, criteria, open_position, staff_member

pytestmark = pytest.mark.browser


async def test_hr_reviewer_reads_a_cv_rates_comments_and_moves_to_interview(
    browser, live_server, tmp_path: Path
):
    pid = await open_position("Platform engineer")
    a = await consenting_application(pid, "Petra Pipeline")
    c1, c2 = await criteria(pid)
    await consenting_application(pid, "Quentin Queue", m=False, n=False, cv=None)
    _, email, password = await staff_member("hr", email="reviewer@example.org")
    context = await browser.new_context(accept_downloads=True)
    page = await context.new_page()
    try:
        await page.goto(f"{live_server.url}/console/login")
        await page.fill("#email", email)
        await page.fill("#password", password)
        await page.click("form[action='/console/login'] button[type=submit]")
        await page.wait_for_url("**/console")
        await page.click("nav.console-nav >> text=Positions")
        await page.click("text=Platform engineer")
        await page.wait_for_url(f"**/console/positions/{pid}/applications")
        assert await page.is_visible("text=Quentin Queue")
        await page.click("text=Petra Pipeline")
        await page.wait_for_selector("#background")
        async with page.expect_download() as info:
            await page.click("a.cv-link")
        download = await info.value
        saved = tmp_path / "cv.pdf"
        await download.save_as(saved)
        assert saved.read_bytes() == b"%PDF-1.4 planted-cv-content"

        await page.check(f"input[name=score_{c1}][value='4']")
        await page.check(f"input[name=score_{c2}][value='3']")
        await page.click("form[action*='/scorecard'] button")
        await page.wait_for_selector("#score-average >> text=3.50 / 4")
        await page.fill("#body", "Clear thinking about distributed systems.")
        await page.click("form[action$='/comment'] button")
        await page.wait_for_selector("text=Clear thinking about distributed systems.")
        await page.select_option("#to_stage", "screening")
        await page.click("form[action$='/stage'] button")
        await page.wait_for_selector("strong.stage >> text=Screening")
        await page.select_option("#to_stage", "interview")
        await page.click("form[action$='/stage'] button")
        await page.wait_for_selector("strong.stage >> text=Interview")
    finally:
        await context.close()
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["stage"] == "interview" and row["decided_at"] is None
    assert await CriterionScore.count() == 2 and await Comment.count() == 1
    assert await StageChange.count() == 2
