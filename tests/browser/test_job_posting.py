"""A position page on a phone carries its JobPosting JSON-LD without a single CSP complaint:
the data block is never run, and the strict policy (script-src 'self') stays as it is."""

import json

import pytest

from tests.jobs.support import posting

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


async def test_the_job_posting_block_breaks_no_csp_and_fits_a_phone(browser, live_server):
    p = await posting("Phone-friendly developer")
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    complaints: list[str] = []
    page.on("console", lambda m: complaints.append(m.text) if m.type in ("error", "warning")
            else None)
    try:
        for lang in ("en", "da"):
            await page.goto(f"{live_server.url}/positions/{p['slug']}?lang={lang}")
            block = await page.text_content('script[type="application/ld+json"]')
            assert json.loads(block or "")["@type"] == "JobPosting"
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            await page.screenshot(path=f"/tmp/jobs-position-{lang}.png", full_page=True)
            await page.goto(f"{live_server.url}/?lang={lang}")
            await page.screenshot(path=f"/tmp/jobs-positions-{lang}.png", full_page=True)
        assert not [c for c in complaints if "Content Security Policy" in c], complaints
    finally:
        await context.close()
