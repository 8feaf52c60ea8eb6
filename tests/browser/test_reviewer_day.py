"""Issue 17's reviewer day at 1366x768: HR gives a position its scorecard criteria; a reviewer
opens a queue, sorts it by newest, opens an application, reads its CV pages in place, scores the
criteria and only then sees a colleague's scores, and moves on to the next applicant with `j`.
Other parts of the day (an interview invitation) add their steps to this flow.

Screenshots of the queue and the application page in English and Danish go to
INTAKE_SHOTS_DIR when set (for a person to look at), else to the test's temporary folder."""

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.clock import utcnow
from app.config import current
from app.privacy.audit import Actor
from app.recruiting import scorecards
from app.tables import CriterionScore, Interview, OutboxMail, Scorecard
from tests.browser.cv_steps import reads_the_cv_pages_in_place
from tests.documents import pdf_pages
from tests.factories import consenting_application, open_position, staff_member

pytestmark = pytest.mark.browser


async def _sign_in(page, base: str, email: str, password: str) -> None:
    await page.goto(f"{base}/console/login")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("form[action='/console/login'] button[type=submit]")
    await page.wait_for_url("**/console")


async def test_a_reviewer_sorts_opens_scores_sees_colleagues_and_moves_on(
    browser, live_server, tmp_path: Path
):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    pid = await open_position("Platform engineer")
    start = utcnow() - timedelta(days=6)
    await consenting_application(pid, "Olga Oldest", created_at=start)
    middle = await consenting_application(pid, "Mads Middle", created_at=start + timedelta(days=2))
    newest = await consenting_application(pid, "Nina Newest", created_at=start + timedelta(days=4),
                                          cv=pdf_pages(3, "Nina Newest"))  # fmt: skip
    await consenting_application(pid, "Wes Waiting", m=False, n=False, cv=None,
                                 created_at=start + timedelta(days=1))  # fmt: skip
    colleague_id, _, _ = await staff_member("hr", email="colleague@example.org")
    colleague = Actor(kind="staff", id=colleague_id, role="hr")
    _, email, password = await staff_member("hr", email="reviewer@example.org")
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    base = live_server.url
    try:
        await _sign_in(page, base, email, password)
        # 0. HR gives the position its scorecard criteria (a bad form first: told, kept).
        await page.goto(f"{base}/console/positions/{pid}/edit")
        await page.click("text=Scorecard criteria")
        await page.fill("#name_0", "Systems thinking")
        await page.fill("#description_0", "Sees how the parts of a system affect each other")
        await page.click("form[action$='/criteria'] button[type=submit]")
        assert "2 to 8 criteria" in await page.inner_text("#form-errors")
        assert await page.input_value("#name_0") == "Systems thinking"
        await page.fill("#name_1", "Communication")
        await page.screenshot(path=str(shots / "criteria-en.png"), full_page=True)
        await page.click("form[action$='/criteria'] button[type=submit]")
        await page.wait_for_url("**/criteria?done=1")
        c1, c2 = (c["id"] for c in await scorecards.criteria_for(pid))
        # A colleague scored the newest applicant before.
        await scorecards.submit(colleague, newest["application_id"], pid,
                                {c1: ("4", "Colleague's planted note"), c2: ("2", "")},
                                utcnow())  # fmt: skip
        # 1. The queue, sorted by newest; the application opened from it with j and o.
        await page.goto(f"{base}/console/positions/{pid}/applications")
        await page.select_option("#sort", "newest")
        await page.click("form.filters button[type=submit]")
        await page.wait_for_url("**sort=newest**")
        names = await page.locator("table.queue a.open").all_inner_texts()
        assert names == ["Nina Newest", "Mads Middle", "Wes Waiting", "Olga Oldest"]
        assert "Keyboard shortcuts" in await page.inner_text("#keyboard-shortcuts")
        await page.screenshot(path=str(shots / "queue-en.png"), full_page=True)
        await page.keyboard.press("j")
        assert await page.locator("table.queue tr.selected a.open").inner_text() == "Nina Newest"
        await page.keyboard.press("o")
        await page.wait_for_url(f"**/applications/{newest['application_id']}?sort=newest")

        # 2. Reads the CV pages in place (each drawn on the server, watermarked).
        await reads_the_cv_pages_in_place(page, 3, shots, "cv-in-place-en")

        # 3. Scores the criteria; the colleague's scores appear only after.
        hidden = await page.inner_text("#scores-hidden")
        assert "1 colleague has submitted a scorecard." in hidden
        assert "Colleague's planted note" not in await page.content()
        assert await page.locator("#scorecard input[type=radio]:checked").count() == 0
        await page.check(f"input[name=score_{c1}][value='3']")
        await page.check(f"input[name=score_{c2}][value='4']")
        await page.fill(f"#note_{c2}", "Explains trade-offs plainly.")
        await page.click("#scorecard form button[type=submit]")
        await page.wait_for_selector("#score-average")
        assert "3.25 / 4" in await page.inner_text("#score-average")
        assert "Colleague's planted note" in await page.inner_text("table.scorecards")
        await page.screenshot(path=str(shots / "application-en.png"), full_page=True)

        # 4. Sends an interview invitation: a local time, a place, an interviewer.
        when = (utcnow() + timedelta(days=3)).astimezone(ZoneInfo(current().timezone))
        await page.fill("#starts_at", when.strftime("%Y-%m-%dT10:00"))
        await page.select_option("#minutes", "45")
        await page.fill("#place", "Room 4, Main street 1")
        await page.check("#interviewers input[type=checkbox] >> nth=0")
        await page.click("#interview-form button[type=submit]")
        await page.wait_for_url("**?done=interview")
        assert "Waiting for the candidate" in await page.inner_text("#interview-answer")
        assert "Room 4" in await page.inner_text("#interview")
        await page.screenshot(path=str(shots / "invitation-en.png"), full_page=True)
        await page.goto(f"{base}/console/positions/{pid}/applications/"
                        f"{newest['application_id']}?sort=newest")  # fmt: skip

        # 5. On to the next applicant in the same order with j.
        await page.keyboard.press("j")
        await page.wait_for_url(f"**/applications/{middle['application_id']}?sort=newest")
        assert await page.inner_text("h1") == "Mads Middle"
        await page.keyboard.press("k")
        await page.wait_for_url(f"**/applications/{newest['application_id']}?sort=newest")

        # The same pages in Danish, for a person to look at.
        await page.goto(f"{base}/console/positions/{pid}/applications?sort=newest&lang=da")
        assert "Tastaturgenveje" in await page.inner_text("#keyboard-shortcuts")
        await page.screenshot(path=str(shots / "queue-da.png"), full_page=True)
        await page.goto(f"{base}/console/positions/{pid}/applications/"
                        f"{newest['application_id']}?sort=newest&lang=da")  # fmt: skip
        assert "Gennemsnit af alle scorekort" in await page.inner_text("#score-average")
        await page.screenshot(path=str(shots / "application-da.png"), full_page=True)
    finally:
        await context.close()
    assert await Scorecard.count() == 2 and await CriterionScore.count() == 4
    # The invitation went to the candidate and the interviewer, each with its calendar entry.
    assert await Interview.count() == 1
    assert await OutboxMail.count().where(OutboxMail.calendar != "") == 2
