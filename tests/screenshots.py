"""The README's pictures (issue 22): each door at its users' size, from a seeded database of
made-up people, through a real server and Debian's chromium.

`make screenshots` runs `main()`: a throw-away SQLite database and data folder (the test
suite's own set-up, tests/conftest.py), the seed below, one server, one browser, the PNGs
written to docs/img/. tests/docs/test_screenshots.py calls `seed()` and `take()` against the
test server and fails when a page no longer renders; it never compares pixels."""

import asyncio
import io
import shutil
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
LAPTOP = {"width": 1366, "height": 768}
IMG = Path(__file__).resolve().parent.parent / "docs" / "img"

# Made-up people and positions: realistic enough to show the product, nobody real.
POSITIONS = [
    ("Backend developer", "København eller remote (EU)",
     "Join the team behind our **payments platform**.\n\n"
     "- Python, PostgreSQL and a lot of care for data\n"
     "- Four-day on-call rotation, never alone\n"
     "- Salary 52,000-62,000 DKK a month"),
    ("UX designer", "Aarhus", "Shape the screens our customers use every day."),
    ("Data protection specialist", "København", "Keep our promises to the people we meet."),
]
# (name, consent m, consent n, days ago, stage moves)
CANDIDATES = [
    ("Freja Holm", True, True, 1, ("screening", "interview")),
    ("Amira Haddad", True, True, 2, ("screening",)),
    ("Jonas Berg", True, False, 3, ()),
    ("Sofie Lund", False, True, 4, ()),
    ("Lucas Petersen", True, True, 6, ("screening", "interview", "offer")),
    ("Ingrid Dahl", False, False, 8, ()),
    ("Tobias Kjær", True, True, 11, ()),
]
HOSTS = [("Hanne Høst", "hanne@example.org"), ("Omar Farouk", "omar@example.org"),
         ("Birgitte Skov", "birgitte@example.org")]
REVIEWER = ("maja.reviewer@example.org", "Maja Madsen")
PASSWORD = "a long enough screenshot password"


@dataclass(frozen=True)
class Seeded:
    slug: str
    position_id: int
    pairing_code: str


@dataclass(frozen=True)
class Shot:
    """One picture: its file, the door's size, the language, and the heading it must show."""

    name: str
    step: str  # a key of STEPS: how to reach the page
    viewport: dict[str, int]
    language: str
    heading: str  # part of the page's <h1>; data, not a translated message


SHOTS = [
    Shot("portal-phone-en.png", "apply", PHONE, "en", "Backend developer"),
    Shot("kiosk-tablet-en.png", "kiosk", TABLET, "en", "Privacy notice for visitors"),
    Shot("console-laptop-en.png", "queue", LAPTOP, "en", "Backend developer"),
    Shot("portal-phone-da.png", "positions", PHONE, "da", ""),
]


async def seed() -> Seeded:
    """Positions, applications with varied consents and stages, hosts, a reviewer and a kiosk
    waiting to be paired, all through the services the app itself uses."""
    from app.clock import utcnow
    from app.privacy.audit import Actor
    from app.privacy.notices import ensure_default_notices
    from app.recruiting.pipeline import move_stage
    from app.staff.services import create_staff
    from app.tables import Application, Position
    from app.visits.hosts import HostFields, create_host
    from app.visits.kiosks import create_kiosk
    from tests.factories import consenting_application, open_position

    now = utcnow()
    await ensure_default_notices(now)
    ids = []
    for title, location, description in POSITIONS:
        pid = await open_position(title)
        await Position.update({Position.location: location, Position.description: description}
                              ).where(Position.id == pid)
        ids.append(pid)
    staff_id, _ = await create_staff(REVIEWER[0], REVIEWER[1], "hr", PASSWORD, now)
    reviewer = Actor(kind="staff", id=staff_id, role="hr")
    for name, m, n, days, stages in CANDIDATES:
        made = await consenting_application(
            ids[0], name, m=m, n=n, created_at=now - timedelta(days=days, hours=3),
            cover_letter="I have built payment systems for eight years.")
        for version, stage in enumerate(stages):
            await move_stage(reviewer, made["application_id"], ids[0], stage, version,
                             now - timedelta(days=days) + timedelta(hours=version + 1))
    assert await Application.count() == len(CANDIDATES)
    for name, email in HOSTS:
        await create_host(HostFields(name=name, email=email, active=True))
    pairing = await create_kiosk("Front desk", "Lobby", now)
    row = await Position.select(Position.slug).where(Position.id == ids[0]).first()
    return Seeded(slug=str(row["slug"]), position_id=ids[0], pairing_code=pairing.code)


async def _open(browser: Any, shot: Shot) -> tuple[Any, Any]:
    locale = {"en": "en-GB", "da": "da-DK"}[shot.language]  # dates as the users write them
    context = await browser.new_context(viewport=shot.viewport, locale=locale,
                                        extra_http_headers={"Accept-Language": shot.language})
    return context, await context.new_page()


async def _goto(page: Any, url: str) -> None:
    response = await page.goto(url)
    if response is None or response.status != 200:
        status = response.status if response else "no answer"
        raise AssertionError(f"{url} answered {status}")


async def _apply(page: Any, base: str, seeded: Seeded, language: str) -> None:
    await _goto(page, f"{base}/apply/{seeded.slug}")
    await page.wait_for_selector("#full_name")
    await page.fill("#full_name", "Nora Vestergaard")
    await page.fill("#email", "nora.vestergaard@example.org")
    if language == "en":
        # The choices a candidate makes, one by one and unticked: what sets Intake apart.
        await page.check("#consent_m")
        await page.eval_on_selector(
            "fieldset.consents", "e => { e.scrollIntoView(); window.scrollBy(0, -14); }")


async def _kiosk(page: Any, base: str, seeded: Seeded, language: str) -> None:
    await _goto(page, f"{base}/kiosk")
    await page.fill("#code", seeded.pairing_code)
    await page.click("form[action='/kiosk/pair'] button[type=submit]")
    await page.wait_for_selector("#start-sign-in")
    await page.click("#start-sign-in")
    await page.click(f".choices a[hreflang={language}]")
    await page.wait_for_selector("#read-notice")


async def _queue(page: Any, base: str, seeded: Seeded, language: str) -> None:
    await _goto(page, f"{base}/console/login")
    await page.fill("#email", REVIEWER[0])
    await page.fill("#password", PASSWORD)
    await page.click("form[action='/console/login'] button[type=submit]")
    await page.wait_for_url("**/console")
    await _goto(page, f"{base}/console/positions/{seeded.position_id}/applications")


async def _positions(page: Any, base: str, seeded: Seeded, language: str) -> None:
    await _goto(page, f"{base}/")


STEPS = {"apply": _apply, "positions": _positions, "kiosk": _kiosk, "queue": _queue}


async def take(browser: Any, base: str, seeded: Seeded, folder: Path) -> dict[str, str]:
    """Every picture into `folder`; returns each file's main heading. Raises when a page does
    not answer 200, or its heading or language is not the expected one."""
    folder.mkdir(parents=True, exist_ok=True)
    headings = {}
    for shot in SHOTS:
        context, page = await _open(browser, shot)
        try:
            await STEPS[shot.step](page, base, seeded, shot.language)
            heading = (await page.inner_text("h1")).strip()
            if not heading or shot.heading not in heading:
                raise AssertionError(f"{shot.name}: heading {heading!r}, not {shot.heading!r}")
            lang = await page.get_attribute("html", "lang")
            if lang != shot.language:
                raise AssertionError(f"{shot.name}: the page is in {lang!r}, not {shot.language!r}")
            headings[shot.name] = heading
            await page.screenshot(path=str(folder / shot.name), animations="disabled",
                                  caret="hide")
        finally:
            await context.close()
    return headings


def shrink(path: Path) -> None:
    """A palette of 256 colours: UI pictures keep their look at a quarter of the bytes."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    path.write_bytes(buffer.getvalue())


async def _main(folder: Path) -> None:
    from playwright.async_api import async_playwright

    from app.cli import migrate
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer

    await migrate()
    seeded = await seed()
    server = LiveServer({"INTAKE_COOKIE_SECURE": "0"})
    server.env["INTAKE_BASE_URL"] = "https://intake.example.com"  # shown in notices, not the port
    server.start()
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            headings = await take(browser, server.url, seeded, folder)
            await browser.close()
    finally:
        server.stop()
    for name, heading in headings.items():
        shrink(folder / name)
        print(f"{folder / name}: {(folder / name).stat().st_size // 1024} KiB, {heading!r}")


def main() -> int:
    # Importing the test set-up points DATABASE_URL and INTAKE_DATA_DIR at a fresh temporary
    # folder (cheap argon2, no scheduler): a throw-away database, never the one of `make run`.
    from tests import conftest

    try:
        asyncio.run(_main(Path(sys.argv[1]) if len(sys.argv) > 1 else IMG))
    finally:
        shutil.rmtree(conftest._TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
