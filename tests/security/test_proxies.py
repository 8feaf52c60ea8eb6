"""Forwarded headers are believed only from the proxies named in INTAKE_TRUSTED_PROXIES
(issue 16 item 11). Uvicorn itself trusts X-Forwarded-For from 127.0.0.1 by default, even
without --proxy-headers; every documented command starts it with --no-proxy-headers and
Intake resolves the client (app/proxies.py). Proven on a real uvicorn process started as
tests.conftest.LiveServer starts it: the truncated IP a consent event records is the one
the resolved client gives."""

import httpx
import pytest

from app.clock import utcnow
from app.config import ConfigError, load_settings
from app.proxies import TrustedProxies
from app.staff.sessions import open_session
from app.tables import ConsentEvent
from tests.conftest import LiveServer
from tests.factories import candidate_row

SPOOFED = "203.0.113.77"


async def recorded_prefix(server: LiveServer, forwarded_for: str) -> str:
    """A candidate gives the marketing consent with this X-Forwarded-For; the prefix stored."""
    candidate_id, _ = await candidate_row("Pia Proxy", "pia@example.org")
    cookie = await open_session(utcnow(), candidate_id=candidate_id)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        csrf = (await http.get("/console/login")).cookies["intake_csrf"]
        response = await http.post(
            "/me/consent", data={"purpose": "marketing", "action": "give"},
            headers={"x-csrftoken": csrf, "x-forwarded-for": forwarded_for,
                     "cookie": f"intake_csrf={csrf}; intake_candidate={cookie}"})
    assert response.status_code == 303, response.text[:300]
    row = await ConsentEvent.select(ConsentEvent.ip_prefix).where(
        ConsentEvent.purpose == "marketing").first()
    return row["ip_prefix"]


@pytest.fixture
def server(request):  # type: ignore[no-untyped-def]
    live = LiveServer({"INTAKE_COOKIE_SECURE": "0", **request.param}).start()
    yield live
    live.stop()


@pytest.mark.parametrize("server", [{}, {"INTAKE_TRUSTED_PROXIES": "10.0.0.0/8"}],
                         indirect=True, ids=["no proxy named", "another proxy named"])
async def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(server, notices):
    assert await recorded_prefix(server, SPOOFED) == "127.0.0.0"


@pytest.mark.parametrize("server", [{"INTAKE_TRUSTED_PROXIES": "127.0.0.1, 192.0.2.0/24"}],
                         indirect=True)
async def test_the_client_a_trusted_proxy_names_is_used_and_truncated(server, notices):
    # The client wrote the left entry itself; the proxy appended the address it saw.
    assert await recorded_prefix(server, f"198.51.100.9, {SPOOFED}") == "203.0.113.0"


def test_the_right_most_untrusted_entry_is_the_client():
    proxies = TrustedProxies(("127.0.0.1/32", "192.0.2.0/24", "::1/128"))
    assert proxies.client("127.0.0.1", [b"198.51.100.9, 203.0.113.77, 192.0.2.4"]) == (
        "203.0.113.77")
    assert proxies.client("::1", [b"[2001:db8::7]:4431"]) == "2001:db8::7"
    assert proxies.client("127.0.0.1", [b"192.0.2.9", b"192.0.2.4"]) == "192.0.2.9"
    assert proxies.client("127.0.0.1", [b"not-an-address"]) == ""
    assert proxies.client("198.51.100.1", [b"203.0.113.77"]) == "198.51.100.1"
    assert not TrustedProxies(())
    assert not TrustedProxies(()).trusts("127.0.0.1")


def test_a_mistyped_proxy_refuses_to_start(tmp_path):
    def proxies(value: str) -> tuple[str, ...]:
        env = {"INTAKE_DATA_DIR": str(tmp_path), "INTAKE_SECRET_KEY": "k" * 40,
               "INTAKE_TRUSTED_PROXIES": value}
        return load_settings(env).trusted_proxies

    assert proxies("") == ()
    assert proxies(" 10.1.2.3 ,fd00::/8") == ("10.1.2.3/32", "fd00::/8")
    with pytest.raises(ConfigError, match=r"10\.0\.0\.300"):
        proxies("10.0.0.300")
