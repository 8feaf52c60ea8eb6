"""Sign-out from the visitor's own phone (issue 19, point 2): the badge's QR code holds a link
that signs its visitor out with one tap; the link is unguessable, works once, only for its own
visit and only until the end of that visit's day. The six-character code still works at the
kiosk."""

import re
import secrets
from datetime import timedelta

import zxingcpp
from PIL import Image

from app.clock import utcnow
from app.privacy.notices import current_notice
from app.tables import Visit
from app.visits import codes
from app.visits.local_time import end_of_visit_day
from app.visits.phone_sign_out import sign_out_by_link, sign_out_token, sign_out_url, visit_for
from app.visits.visits import SignIn, sign_in, sign_out_with_code
from app.web.badge import qr_svg
from tests.factories import enrolled_kiosk, host
from tests.helpers import csrf_from


async def _signed_in(name: str = "Ann Marie Visitor"):
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    data = SignIn(visitor_name=name, host_id=host_id, purpose="meeting", language="en",
                  notice_id=notice.id, company="Acme", submission=secrets.token_urlsafe(9))
    return await sign_in(data, kiosk_id, utcnow()), kiosk_id


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def test_the_link_signs_its_visitor_out_once(notices):
    badge, _ = await _signed_in()
    url = sign_out_url(badge.signout_code, badge.visit_ref)
    assert url.startswith("HTTPS://TESTSERVER.LOCAL/OUT/")  # alphanumeric QR mode
    token = _token(url)
    found = await visit_for(token, utcnow())
    assert found is not None and found.first_name == "Ann" and found.host_name == "Hanne Host"
    assert await sign_out_by_link(token, utcnow())
    visit = await Visit.select().first()
    assert visit["signed_out_by"] == "phone" and visit["signout_code_hash"] is None
    assert visit["erase_after"] is not None  # the retention clock started
    assert not await sign_out_by_link(token, utcnow())  # spent
    assert await visit_for(token, utcnow()) is None


async def test_a_guessed_or_borrowed_link_signs_no_one_out(notices):
    badge, _ = await _signed_in()
    token = sign_out_token(badge.signout_code, badge.visit_ref)
    code, mac = token[:6], token[6:]
    other_mac = ("A" if mac[0] != "A" else "B") + mac[1:]
    for wrong in (code + other_mac, code, code + mac[:-1], "", "x" * 500,
                  sign_out_token(badge.signout_code, "another-visit")):
        assert await visit_for(wrong, utcnow()) is None, wrong
        assert not await sign_out_by_link(wrong, utcnow())
    assert (await Visit.select().first())["signed_out_at"] is None


async def test_the_link_ends_with_the_visit_day_and_with_any_other_sign_out(notices):
    badge, kiosk_id = await _signed_in()
    token = sign_out_token(badge.signout_code, badge.visit_ref)
    visit = await Visit.select().first()
    day_end = end_of_visit_day(visit["signed_in_at"])
    assert day_end > visit["signed_in_at"] and day_end - visit["signed_in_at"] <= timedelta(days=1)
    assert await visit_for(token, day_end - timedelta(minutes=1)) is not None
    assert await visit_for(token, day_end) is None
    assert not await sign_out_by_link(token, day_end + timedelta(hours=1))
    # Signed out at the kiosk with the six-character code: the link is dead too.
    await sign_out_with_code(badge.signout_code, kiosk_id, utcnow())
    assert await visit_for(token, utcnow()) is None


async def test_the_phone_page_asks_first_and_signs_out_on_the_tap(client, notices):
    badge, _ = await _signed_in()
    path = "/OUT/" + sign_out_token(badge.signout_code, badge.visit_ref)
    shown = await client.get(path, headers={"accept-language": "da"})
    assert shown.status_code == 200 and "Skal du gå, Ann?" in shown.text
    assert "Tjek ud" in shown.text and "Log ud" not in shown.text
    assert "Visitor" not in shown.text and "Acme" not in shown.text  # the first name only
    assert shown.headers["cache-control"] == "no-store"
    assert (await Visit.select().first())["signed_out_at"] is None  # a GET changes nothing
    done = await client.post(path, data={"_csrf_token": csrf_from(shown.text)})
    assert done.status_code == 200 and 'id="signed-out"' in done.text
    assert (await Visit.select().first())["signed_out_by"] == "phone"
    again = await client.post(path, data={"_csrf_token": csrf_from(shown.text)})
    assert again.status_code == 404 and "no longer works" in again.text
    assert (await client.get(path)).status_code == 404


async def test_the_kiosk_api_hands_out_the_link_and_its_qr_code(client, notices):
    host_id = await host()
    _, credential = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    response = await client.post(
        "/api/kiosk/sign-in",
        json={"visitor_name": "Bo Berg", "host_id": host_id, "purpose": "meeting",
              "notice_id": notice.id, "submission_id": "api-1"},
        headers={"authorization": f"Bearer {credential}"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["signout_url"].startswith("HTTPS://TESTSERVER.LOCAL/OUT/")
    assert body["qr_svg"].startswith("<svg") and codes.looks_valid(body["signout_code"], 6)
    assert await visit_for(_token(body["signout_url"]), utcnow()) is not None


def _drawn(svg: str) -> Image.Image:
    """The badge's SVG as pixels: its viewBox, and the rectangles of its one path."""
    width, height = map(int, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    image = Image.new("L", (width, height), 255)
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    for x, y, w, h in re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-\d+Z", path):
        image.paste(0, (int(x), int(y), int(x) + int(w), int(y) + int(h)))
    assert image.getextrema() == (0, 255)
    return image.resize((width * 4, height * 4), Image.NEAREST)


def test_the_badge_qr_codes_scan_as_a_phone_reads_them():
    """The badge's own inline SVG (app.web.badge), drawn as it is written, decodes to the
    link, for many links (tests/browser/test_badge_print.py reads the printed one)."""
    for _ in range(60):
        url = "HTTPS://INTAKE.EXAMPLE.COM/OUT/" + codes.new_code(6) + "ABCDEFGHIJKLMN"
        found = zxingcpp.read_barcodes(_drawn(str(qr_svg(url))))
        assert [f.text for f in found] == [url]
        assert found[0].ec_level == "M"
