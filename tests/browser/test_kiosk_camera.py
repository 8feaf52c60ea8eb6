"""The kiosk's camera (issue 19, points 9 and 2): Chromium's fake camera plays a video made in
the test (a y4m file at 1024x768) of a real QR code, the one the invitation mail carries or
the one on a printed badge; the tablet reads it with jsQR and goes on as if it had been typed.
Without a camera, or where it is refused, the button says so and typing still works.
Screenshots go to INTAKE_SCREENSHOTS when it is set, to look at."""

import io
import os
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import segno
import zxingcpp
from PIL import Image

from app.clock import utcnow
from app.privacy.notices import current_notice
from app.tables import Visit
from app.visits.local_time import local_date
from app.visits.phone_sign_out import sign_out_url
from app.visits.preregistration import Expected, preregister
from app.visits.visits import SignIn, sign_in
from app.web.badge import QR_ERROR
from tests.browser.test_kiosk_journey import leftovers
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, _browser_required
from tests.factories import enrolled_kiosk, host

pytestmark = pytest.mark.browser
SIZES = [{"width": 1024, "height": 768}, {"width": 768, "height": 1024}]
SCAN = {"en": "Scan the QR code", "da": "Scan QR-koden"}
NOT_INVITATION = {"en": "not an invitation", "da": "ikke en invitation"}


def qr_png(text: str) -> bytes:
    """As the invitation mail draws it (app/mail.py _attach_qr)."""
    png = io.BytesIO()
    segno.make(text, error="m", micro=False).save(png, kind="png", scale=8, border=4)
    return png.getvalue()


def y4m_of(png: bytes, path: Path, width: int = 1024, height: int = 768) -> Path:
    """A picture held up to the camera: the PNG on a white frame, as a two-frame y4m video
    (YUV 4:2:0, full range), which Chromium's fake camera plays in a loop."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    side = int(height * 0.6)
    picture = picture.resize((side, side), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(picture, ((width - side) // 2, (height - side) // 2))
    grey = bytes([128]) * ((width // 2) * (height // 2))  # U and V: no colour
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F1:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(2):
            out.write(b"FRAME\n" + frame.tobytes() + grey + grey)
    return path


@asynccontextmanager
async def camera_browser(video: Path):
    """Chromium with a fake camera playing `video`, its permission prompt answered yes."""
    if not Path(CHROMIUM).exists():
        if _browser_required():
            pytest.fail("chromium is missing and CI requires the browser tests")
        pytest.skip("!!! Debian's chromium is missing: SKIPPING the camera tests !!!")
    from playwright.async_api import async_playwright

    fake = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]  # fmt: skip
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + fake)
        try:
            yield browser
        finally:
            await browser.close()


async def tablet_on(browser, live_server, size, lang: str):
    """An enrolled tablet at the invitation-code screen, after the privacy notice."""
    _, credential = await enrolled_kiosk()
    context = await browser.new_context(viewport=size, has_touch=True)
    await context.add_cookies([{"name": "intake_kiosk", "value": credential,
                                "url": live_server.url}])  # fmt: skip
    tablet = await context.new_page()
    await tablet.goto(f"{live_server.url}/kiosk")
    await tablet.click("#start-sign-in")
    await tablet.click(f".choices a[hreflang={lang}]")
    await tablet.wait_for_selector("#have-code")  # the notice comes first, as when typing
    await tablet.click("#have-code")
    await tablet.wait_for_selector("#invitation_code")
    return context, tablet


async def invite(name: str = "Ivy Invited") -> str:
    return await preregister(
        Expected(visitor_name=name, visitor_email="ivy@example.org", host_id=await host(),
                 expected_on=local_date(utcnow())),
        None, utcnow(),
    )  # fmt: skip


async def camera_live(tablet) -> bool:
    return await tablet.evaluate(
        """() => { const v = document.querySelector('.scan-video');
                   return !!(v && v.srcObject && v.srcObject.getVideoTracks()
                              .some(t => t.readyState === 'live')); }"""
    )


@pytest.mark.parametrize("lang", ["en", "da"])
async def test_an_invitation_is_accepted_by_showing_its_qr_code(
    live_server, notices, tmp_path, lang
):
    code = await invite()
    video = y4m_of(qr_png(code), tmp_path / "invitation.y4m")
    async with camera_browser(video) as browser:
        context, tablet = await tablet_on(browser, live_server, SIZES[0], lang)
        try:
            await tablet.click(f"button.scan-start:has-text('{SCAN[lang]}')")
            # Read, filled in and sent as typing would: the confirm screen of the invitation.
            await tablet.wait_for_selector("#sign-me-in", timeout=20000)
            assert "Ivy Invited" in await tablet.inner_text(".summary")
            await tablet.click("#sign-me-in")
            await tablet.wait_for_selector("#signout-code")
            visit = await Visit.select().first()
            assert visit["visitor_name"] == "Ivy Invited" and visit["notice_version"]
            assert visit["signed_out_at"] is None  # on site
            assert "Ivy" not in await leftovers(tablet)
            assert "[0,0,[],[]" in await leftovers(tablet)
        finally:
            await context.close()


async def test_a_wrong_qr_code_is_said_and_the_camera_goes_off(live_server, notices, tmp_path):
    video = y4m_of(qr_png("https://example.org/not-a-code"), tmp_path / "other.y4m")
    shots = Path(os.environ.get("INTAKE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    async with camera_browser(video) as browser:
        for size in SIZES:
            for lang in ("en", "da"):
                context, tablet = await tablet_on(browser, live_server, size, lang)
                try:
                    name = f"kiosk-scan-{lang}-{size['width']}"
                    await tablet.screenshot(path=str(shots / f"{name}-before.png"))
                    await tablet.click("button.scan-start")
                    await tablet.wait_for_selector(
                        f".scan-status:has-text('{NOT_INVITATION[lang]}')"
                    )
                    assert await camera_live(tablet)
                    assert await tablet.is_visible("form button[type=submit]")  # still in sight
                    await tablet.screenshot(path=str(shots / f"{name}.png"))
                    if size == SIZES[0]:
                        await tablet.click("button.scan-stop")
                    else:
                        # The idle return to the welcome screen switches it off too (kiosk.js
                        # goHome; data-at-home keeps this page so the camera can be checked).
                        await tablet.evaluate(
                            """() => { const s = document.getElementById('kiosk');
                                       s.setAttribute('data-at-home', 'true');
                                       s.setAttribute('data-idle-seconds', '1'); }"""
                        )
                        await tablet.wait_for_selector(".scan-video", state="hidden")
                    assert not await camera_live(tablet)
                    assert await tablet.is_visible("button.scan-start")
                    assert (await tablet.input_value("#invitation_code")) == ""
                    # Every other screen blocks the camera (Permissions-Policy).
                    await tablet.goto(f"{live_server.url}/kiosk/details")
                    refused = await tablet.evaluate(
                        """() => navigator.mediaDevices.getUserMedia({video: true})
                                 .then(s => { s.getTracks().forEach(t => t.stop()); return 'opened'; },
                                       e => e.name)"""
                    )
                    assert refused == "NotAllowedError"
                finally:
                    await context.close()


async def test_without_a_camera_the_button_says_so_and_typing_works(browser, live_server, notices):
    code = await invite()
    context, tablet = await tablet_on(browser, live_server, SIZES[1], "da")
    try:
        await tablet.click("button.scan-start")
        await tablet.wait_for_selector("button.scan-start:disabled")
        said = await tablet.inner_text("button.scan-start")
        assert said.endswith("Indtast venligst koden."), said
        await tablet.fill("#invitation_code", code.lower())
        await tablet.click("form button[type=submit]")
        await tablet.wait_for_selector("#sign-me-in")
        assert "Ivy Invited" in await tablet.inner_text(".summary")
    finally:
        await context.close()


async def test_a_visitor_signs_out_by_showing_the_badge(live_server, notices, tmp_path):
    """Issue 19.2: the badge's QR code (its phone sign-out link) read at the kiosk's sign-out
    screen signs its visitor out, as the six-character code typed there would."""
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    badge = await sign_in(
        SignIn(visitor_name="Bea Badge", host_id=host_id, purpose="meeting", language="en",
               notice_id=notice.id, submission=secrets.token_urlsafe(9)),
        kiosk_id, utcnow(),
    )  # fmt: skip
    # The badge's QR code as app.web.badge draws it (zxing-cpp's writer), as a picture.
    symbol = zxingcpp.create_barcode(
        sign_out_url(badge.signout_code, badge.visit_ref),
        zxingcpp.BarcodeFormat.QRCode,
        ec_level=QR_ERROR,
    )
    pixels = memoryview(symbol.to_image(scale=6))
    png = io.BytesIO()
    Image.frombytes("L", (pixels.shape[1], pixels.shape[0]), bytes(pixels)).save(png, "PNG")
    video = y4m_of(png.getvalue(), tmp_path / "badge.y4m")
    shots = Path(os.environ.get("INTAKE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    async with camera_browser(video) as browser:
        _, credential = await enrolled_kiosk()
        context = await browser.new_context(viewport=SIZES[1], has_touch=True)
        await context.add_cookies([{"name": "intake_kiosk", "value": credential,
                                    "url": live_server.url}])  # fmt: skip
        tablet = await context.new_page()
        try:
            await tablet.goto(f"{live_server.url}/kiosk")
            await tablet.click("#start-sign-out")
            await tablet.click(".choices a[hreflang=da]")
            await tablet.wait_for_selector("#do-sign-out")
            await tablet.screenshot(path=str(shots / "kiosk-scan-badge-da-768.png"))
            await tablet.click("button.scan-start:has-text('Scan QR-koden på dit besøgskort')")
            await tablet.wait_for_url("**/kiosk/goodbye*", timeout=20000)
            visit = await Visit.select().first()
            assert visit["signed_out_at"] is not None and visit["signed_out_by"] == "kiosk"
            assert "Bea" not in await leftovers(tablet)
        finally:
            await context.close()
