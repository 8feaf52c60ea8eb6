"""Journey: a colleague presses "Sign in with <label>", signs in at the company's identity
provider (oidc-provider-mock on loopback, a real OpenID Connect server), lands in the console
with the role their directory group gives, signs out of Intake and of the provider. In Debian's
chromium, so the state cookie's SameSite, the CSP and the sign-out page's move to the provider
are the browser's own. Screenshots of the login and refusal pages go to /tmp/shots-oidc/."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer
from tests.factories import staff_member
from tests.staff.sso_support import person, running_provider

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("INTAKE_SHOTS_DIR", "/tmp/shots-oidc"))


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with running_provider() as url:
        yield url


@pytest.fixture(scope="module")
def sso_server(provider: str) -> Iterator[LiveServer]:
    server = LiveServer(
        {
            "INTAKE_COOKIE_SECURE": "0",
            "INTAKE_OIDC_ISSUER": provider,
            "INTAKE_OIDC_CLIENT_ID": "intake",
            "INTAKE_OIDC_CLIENT_SECRET": "intake-secret",
            "INTAKE_OIDC_ROLE_MAP": "it-admins=admin,hr-group=hr,reception-group=reception",
            "INTAKE_OIDC_LABEL": "Example ID",
        }
    ).start()
    yield server
    server.stop()


async def test_sign_in_and_out_through_the_identity_provider(browser, sso_server, provider):
    SHOTS.mkdir(parents=True, exist_ok=True)
    await staff_member("reception", "hanne@example.com")
    person(provider, "hanne", email="hanne@example.com", email_verified=True, groups=["hr-group"])
    page = await browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        await page.goto(f"{sso_server.url}/console/login")
        await page.screenshot(path=str(SHOTS / "login-en-1366.png"), full_page=True)
        await page.click("text=Sign in with Example ID")
        await page.fill("input[name=sub]", "hanne")
        await page.click("button:has-text('Authorize')")
        await page.wait_for_url(f"{sso_server.url}/console")
        assert await page.is_visible("text=· HR")  # the group made her HR
        await page.click("button:has-text('Log out')")
        # Intake's session is gone; the page moves on to the provider's end_session_endpoint
        await page.wait_for_url(f"{provider}/oauth2/end_session?**")
        await page.click("button:has-text('End session')")
        await page.wait_for_url(f"{sso_server.url}/console/login?signed_out=1**")
        assert await page.is_visible("text=You are signed out.")
        await page.goto(f"{sso_server.url}/console")
        assert "/console/login" in page.url
    finally:
        await page.close()


async def test_the_login_and_a_refusal_at_phone_size_in_both_languages(
    browser, sso_server, provider
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    person(provider, "eve", email="eve@example.com", email_verified=True, groups=["sales"])
    for lang, button in (("en", "Sign in with Example ID"), ("da", "Log ind med Example ID")):
        context = await browser.new_context(viewport={"width": 390, "height": 844})
        page = await context.new_page()
        try:
            await page.goto(f"{sso_server.url}/console/login?lang={lang}")
            await page.screenshot(path=str(SHOTS / f"login-{lang}-390.png"), full_page=True)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390  # nothing wider than the phone
            await page.click(f"text={button}")
            await page.fill("input[name=sub]", "eve")
            await page.click("button:has-text('Authorize')")
            await page.wait_for_url(f"{sso_server.url}/console/login/sso/callback?**")
            await page.screenshot(path=str(SHOTS / f"refused-{lang}-390.png"), full_page=True)
            text = await page.inner_text("main")
            assert ("None of your groups" if lang == "en" else "Ingen af dine grupper") in text
            # the language switch leads to the login page, not to the spent answer again
            other = "da" if lang == "en" else "en"
            await page.click(f"nav.langs a[hreflang={other}]")
            await page.wait_for_url(f"{sso_server.url}/console/login?lang={other}")
        finally:
            await context.close()
    page = await browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        await page.goto(f"{sso_server.url}/console/login?lang=da")
        await page.screenshot(path=str(SHOTS / "login-da-1366.png"), full_page=True)
    finally:
        await page.close()


async def test_an_admin_sees_who_signs_in_only_through_the_provider(browser, sso_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _, email, password = await staff_member("admin", "boss@example.com")
    await staff_member("hr", "hanne@example.com")
    page = await browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        await page.goto(f"{sso_server.url}/console/login")
        await page.fill("#email", email)
        await page.fill("#password", password)
        await page.click("form[action='/console/login'] button[type=submit]")
        await page.wait_for_url(f"{sso_server.url}/console")
        await page.goto(f"{sso_server.url}/console/staff")
        row = page.locator("tr", has_text="hanne@example.com")
        await row.locator("input[name=sso_only]").check()
        await row.locator("button[type=submit]").click()
        await page.wait_for_url(f"{sso_server.url}/console/staff")
        row = page.locator("tr", has_text="hanne@example.com")
        assert await row.locator("input[name=sso_only]").is_checked()
        await page.screenshot(path=str(SHOTS / "staff-en-1366.png"), full_page=True)
        await page.goto(f"{sso_server.url}/console/staff?lang=da")
        assert await page.is_visible("text=Logger kun ind med Example ID")
        await page.screenshot(path=str(SHOTS / "staff-da-1366.png"), full_page=True)
    finally:
        await page.close()
