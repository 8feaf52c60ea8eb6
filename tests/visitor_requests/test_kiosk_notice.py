"""Issue 4 point 7: the visitor notice on the kiosk says how visitors use their rights: the
public /visitor-rights page as an absolute address, and the privacy contact. Both come from
the settings, so the test runs the app with its own base URL and contact."""

import msgspec
import pytest

from app.config import use
from tests.factories import enrolled_kiosk

BASE = "https://visitors.example.net"
DPO = "dpo-marker@example.net"


@pytest.fixture
async def kiosk_client(settings):  # type: ignore[no-untyped-def]
    from litestar.testing import AsyncTestClient

    from app.main import create_app

    app = create_app(msgspec.structs.replace(settings, base_url=BASE, dpo_email=DPO))
    try:
        async with AsyncTestClient(app=app, base_url="https://testserver.local") as c:
            c.follow_redirects = False
            _, credential = await enrolled_kiosk()
            c.cookies.set("intake_kiosk", credential, domain="testserver.local")
            yield c
    finally:
        use(settings)


@pytest.mark.parametrize(("language", "words"), [("en", "write to"), ("da", "skriv til")])
async def test_the_notice_screen_shows_the_rights_page_and_the_privacy_contact(
        kiosk_client, notices, language, words):
    screen = await kiosk_client.get(f"/kiosk/notice?language={language}")
    assert screen.status_code == 200
    assert f"{BASE}/visitor-rights" in screen.text
    assert DPO in screen.text and words in screen.text
    assert "testserver.local/visitor-rights" not in screen.text  # the configured address


async def test_the_rights_page_is_public(client):
    page = await client.get("/visitor-rights")
    assert page.status_code == 200 and 'action="/visitor-rights"' in page.text
