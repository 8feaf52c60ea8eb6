"""Portal plumbing: every field has a label, the pages carry no-store and the security
headers, and no personal data or token reaches the application's logs."""

import logging
import re

from tests.portal.support import apply_via_portal, latest_signin_token, position_slug, sign_in


def unlabelled(html: str) -> list[str]:
    ids = re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', html)
    labels = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    return [i for i in ids if i not in labels]


async def test_every_field_of_the_apply_form_has_a_label(client, notices):
    page = await client.get(f"/apply/{await position_slug()}")
    assert unlabelled(page.text) == []
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert '<link rel="stylesheet" href="/static/portal.css">' in page.text


async def test_no_personal_data_or_token_in_the_logs(client, notices, caplog):
    caplog.set_level(logging.DEBUG)
    await apply_via_portal(client, await position_slug(), full_name="Loggy Markerson",
                           email="loggy.marker@example.org", phone="+45 31 41 59 26")
    token = await latest_signin_token("loggy.marker@example.org")
    await sign_in(client, "loggy.marker@example.org")
    await client.get("/me/export")
    await client.get("/me/signin/not-a-real-token")
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("intake"))
    assert ours  # the access log did write lines
    for secret in ("Loggy", "loggy.marker", "31 41 59 26", token, "not-a-real-token"):
        assert secret not in ours
