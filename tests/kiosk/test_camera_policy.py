"""The camera (issue 19.2, 19.9): the Permissions-Policy allows this origin to use it only on
the kiosk screens that scan a QR code; every other page, error pages and static files
included, blocks it. The scanner is the vendored jsQR file, exactly as its README records."""

import hashlib
import re
from pathlib import Path

from tests.factories import host
from tests.helpers import csrf_from
from tests.kiosk.test_kiosk_pages import as_kiosk

BLOCKED = "camera=(), microphone=(), geolocation=()"
OWN_CAMERA = "camera=(self), microphone=(), geolocation=()"
VENDOR = Path(__file__).resolve().parents[2] / "kiosk" / "static" / "vendor"


def _policy(response) -> str:
    (value,) = response.headers.get_list("permissions-policy")  # one header, never two
    return value


async def test_only_the_scanning_screens_may_use_the_camera(client, notices):
    await host()
    await as_kiosk(client)
    for path in ("/kiosk/invitation?language=en", "/kiosk/sign-out?language=da"):
        page = await client.get(path)
        assert page.status_code == 200 and _policy(page) == OWN_CAMERA, path
        assert 'class="scan"' in page.text and "/kiosk/static/vendor/jsQR.js" in page.text
    # Their answers to a wrong code show the scan button again: still allowed.
    form = await client.get("/kiosk/sign-out?language=en")
    wrong = await client.post(
        "/kiosk/sign-out", data={"_csrf_token": csrf_from(form.text), "code": "ZZZZZZ"}
    )
    assert wrong.status_code == 400 and _policy(wrong) == OWN_CAMERA
    for path in (
        "/kiosk",
        "/kiosk/notice?language=en",
        "/kiosk/details",
        "/kiosk/goodbye",
        "/kiosk/static/kiosk.css",
        "/kiosk/static/vendor/jsQR.js",
        "/kiosk/no-such-screen",
        "/console/login",
        "/",
    ):
        response = await client.get(path)
        assert _policy(response) == BLOCKED, path
        assert "/kiosk/static/scan.js" not in response.text, path


async def test_a_failed_invitation_sign_in_shows_the_scan_again_with_the_camera(client, notices):
    """The confirm screen of an invitation posts to /kiosk/sign-in; when that fails (the code
    is no longer valid), the invitation screen comes back from /kiosk/sign-in, and its scan
    button must still work. The same route's other answers keep the camera blocked."""
    host_id = await host()
    await as_kiosk(client)
    form = await client.get("/kiosk/invitation?language=da")
    sent = {
        "_csrf_token": csrf_from(form.text),
        "invitation_code": "ZZZZZZZZ",
        "visitor_name": "-",
        "host_id": "0",
        "purpose": "meeting",
        "notice_id": "0",
        "language": "da",
        "submission": "s-1",
    }
    again = await client.post("/kiosk/sign-in", data=sent)
    assert again.status_code == 400 and 'class="scan"' in again.text
    assert "/kiosk/static/vendor/jsQR.js" in again.text
    assert _policy(again) == OWN_CAMERA
    # A typed walk-in's bad input re-renders the details form: no scanner, no camera.
    typed = {**sent, "invitation_code": "", "visitor_name": "", "host_id": str(host_id)}
    details = await client.post("/kiosk/sign-in", data={**typed, "submission": "s-2"})
    assert details.status_code == 400 and 'class="scan"' not in details.text
    assert _policy(details) == BLOCKED


async def test_a_tablet_that_is_not_enrolled_gets_no_camera(client):
    refused = await client.get("/kiosk/invitation")
    assert refused.status_code == 403 and _policy(refused) == BLOCKED


def test_the_vendored_scanner_is_the_recorded_release():
    readme = (VENDOR / "README.md").read_text()
    recorded = re.search(r"\| jsQR\.js \|.*\| ([0-9a-f]{64}) \|", readme)
    assert recorded, "jsQR.js must be listed with its sha256"
    assert hashlib.sha256((VENDOR / "jsQR.js").read_bytes()).hexdigest() == recorded.group(1)
    assert "Apache License" in (VENDOR / "jsQR.LICENSE").read_text()
    assert "eval(" not in (VENDOR / "jsQR.js").read_text()  # runs under script-src 'self'


def test_every_vendored_script_is_a_recorded_release():
    """The badge's QR writer too (qrcode-generator): each file the kiosk serves from vendor/
    is listed with its sha256 and licence, and none needs eval."""
    readme = (VENDOR / "README.md").read_text()
    scripts = sorted(VENDOR.glob("*.js"))
    assert {p.name for p in scripts} >= {"jsQR.js", "qrcode.js"}
    for script in scripts:
        name = re.escape(script.name)
        recorded = re.search(rf"\| {name} \|.*\| ([0-9a-f]{{64}}) \|", readme)
        assert recorded, f"{script.name} must be listed with its sha256"
        assert hashlib.sha256(script.read_bytes()).hexdigest() == recorded.group(1)
        assert "eval(" not in script.read_text()
    assert "Licensed under the MIT license" in (VENDOR / "qrcode.js").read_text()
