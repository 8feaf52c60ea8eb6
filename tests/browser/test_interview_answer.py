"""The candidate's side of an interview invitation (issue 17.5) on a 390 px phone: /me shows
the time, the place and the message that came with it, in English and Danish; the candidate
asks for another time with a note, and the reviewer's page shows the answer.

Screenshots go to INTAKE_SHOTS_DIR when set (for a person to look at), else to the test's
temporary folder."""

import os
from datetime import timedelta
from pathlib import Path

import pytest

from app.clock import utcnow
from app.privacy.audit import Actor
from app.recruiting import interviews
from app.staff.sessions import open_session
from app.tables import Interview
from tests.factories import consenting_application, open_position, staff_member

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


async def test_the_candidate_reads_the_invitation_and_asks_for_another_time(
    browser, live_server, tmp_path: Path
):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    pid = await open_position("Platform engineer")
    a = await consenting_application(pid, "Nina Newest")
    reviewer, _, _ = await staff_member("hr", email="reviewer@example.org")
    now = utcnow()
    plan = interviews.Plan(now + timedelta(days=3), 45, "Room 4, Main street 1", "", [reviewer])
    await interviews.schedule(Actor("staff", reviewer, "hr"), a["application_id"], pid, plan,
                              "en", now)  # fmt: skip
    context = await browser.new_context(viewport=PHONE, is_mobile=True)
    await context.add_cookies([{"name": "intake_candidate", "url": live_server.url,
                                "value": await open_session(now, candidate_id=a["candidate_id"])}])  # fmt: skip
    page = await context.new_page()
    box = f"#interview-{a['application_id']}"
    try:
        await page.goto(f"{live_server.url}/me?lang=en")
        assert "Room 4, Main street 1" in await page.inner_text(box)
        await page.click(f"#messages-{a['application_id']} summary")
        assert "Dear Nina" in await page.inner_text(f"#messages-{a['application_id']}")
        # Nothing wider than the phone: no sideways scrolling.
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await page.screenshot(path=str(shots / "me-interview-en.png"), full_page=True)
        await page.goto(f"{live_server.url}/me?lang=da")
        assert "Bed om et andet tidspunkt" in await page.inner_text(box)
        await page.fill(f"#note-{a['application_id']}", "Gerne om formiddagen i næste uge")
        await page.click(f"{box} form.another-time button[type=submit]")
        await page.wait_for_url("**/me?done=interview**")
        assert "Du har bedt om et andet tidspunkt" in await page.inner_text(box)
        await page.screenshot(path=str(shots / "me-interview-da.png"), full_page=True)
    finally:
        await context.close()
    row = await Interview.select().first()
    assert (row["answer"], row["answer_note"]) == ("another_time",
                                                   "Gerne om formiddagen i næste uge")
