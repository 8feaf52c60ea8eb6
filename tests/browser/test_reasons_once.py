"""decide()'s reason said once per application page (the review of issue 17 point 7), in
Debian's chromium at a laptop and a phone width, in English and Danish: without consent n the
scorecard says why, and the evaluation and messages sections below point to it with a link
that moves the focus there; a restricted application says it once, at the top.

Screenshots go to INTAKE_SHOTS_DIR when set (for a person to look at), else to the test's
temporary folder."""

import os
from pathlib import Path

import pytest

from app.tables import Application
from tests.browser.test_kiosk_journey import signed_in_page
from tests.factories import consenting_application, open_position, staff_member

pytestmark = pytest.mark.browser

SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}


async def test_the_reason_is_said_once_and_pointed_to(browser, live_server, tmp_path: Path):
    shots = Path(os.environ.get("INTAKE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    pid = await open_position("Platform engineer")
    no_n = await consenting_application(pid, "Nora Noconsent", n=False)
    frozen = await consenting_application(pid, "Frida Frozen")
    await Application.update({Application.restricted: True}).where(
        Application.id == frozen["application_id"]
    )
    _, email, password = await staff_member("hr", email="reasons@example.org")
    base = live_server.url
    for size, viewport in SIZES.items():
        context, page = await signed_in_page(browser, live_server, email, password, viewport)
        try:
            for lang, said in (("en", "purpose n"), ("da", "formål n")):
                url = f"{base}/console/positions/{pid}/applications/{no_n['application_id']}"
                await page.goto(f"{url}?lang={lang}")
                assert await page.locator(".reason").count() == 1
                assert said in await page.inner_text("#scorecard-refused .reason")
                await page.screenshot(path=str(shots / f"reasons-no-n-{lang}-{size}.png"),
                                      full_page=True)  # fmt: skip
                await page.click("#contact-refused a")  # the pointer leads to the reason
                assert page.url.endswith("#scorecard-refused")
                url = f"{base}/console/positions/{pid}/applications/{frozen['application_id']}"
                await page.goto(f"{url}?lang={lang}")
                assert await page.locator(".reason").count() == 1
                assert await page.locator("#page-reason .reason").count() == 1
                await page.screenshot(path=str(shots / f"reasons-frozen-{lang}-{size}.png"),
                                      full_page=True)  # fmt: skip
        finally:
            await context.close()
