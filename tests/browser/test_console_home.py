"""The console home and the audit log on a 1366x768 laptop, per role, in English and Danish
(issue 17 points 8 and 9): each role's boxes are on the first screen, the audit log's filters
and CSV link are reachable. INTAKE_SHOTS=<folder> keeps the screenshots to look at."""

import os
from pathlib import Path

import pytest

from app.tables import Application
from tests.browser.test_kiosk_journey import staff_page
from tests.console.test_home import _everything

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
BOXES = {"hr": ("review", "requests"), "reception": ("visits",),
         "admin": ("review", "requests", "visits", "mail")}  # fmt: skip


async def _shot(page, name: str) -> None:
    folder = os.environ.get("INTAKE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize("role", ["hr", "reception", "admin"])
async def test_each_role_sees_its_work_on_the_first_screen(browser, live_server, role):
    first, _ = await _everything()
    context, page = await staff_page(browser, live_server, role)
    try:
        await page.set_viewport_size(LAPTOP)
        for lang in ("en", "da"):
            await page.goto(f"{live_server.url}/console?lang={lang}")
            for box in BOXES[role]:
                box_top = await page.eval_on_selector(
                    f"#work-{box}", "e => e.getBoundingClientRect().top"
                )
                assert box_top < LAPTOP["height"], (role, box)
            await _shot(page, f"home-{role}-{lang}")
        if role == "admin":
            application = await Application.select(Application.id).first()
            await page.goto(
                f"{live_server.url}/console/positions/{first}/applications?stage=received"
            )
            await page.goto(
                f"{live_server.url}/console/positions/{first}/applications/{application['id']}"
            )
            await page.goto(f"{live_server.url}/console/audit?lang=en")
            assert await page.is_visible("text=Download these events (CSV)")
            assert await page.is_visible("td >> text=Application read")
            await page.click("td.subject a")  # the short reference opens the application
            assert "/applications/" in page.url
            await page.goto(f"{live_server.url}/console/audit?lang=en")
            await _shot(page, "audit-admin-en")
            await page.goto(f"{live_server.url}/console/audit?lang=da")
            await _shot(page, "audit-admin-da")
    finally:
        await context.close()
