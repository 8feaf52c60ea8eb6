"""The role matrix: reception never sees applications; hr cannot manage staff or notices (nor
read the audit log or the Art. 30 record); admin can do everything."""

import pytest

from tests.console.support import signed_in
from tests.factories import consenting_application, open_position

RECRUITING = [
    "/console/positions",
    "/console/positions/new",
    "/console/positions/{pid}/edit",
    "/console/positions/{pid}/applications",
    "/console/positions/{pid}/applications/{aid}",
    "/console/positions/{pid}/applications/{aid}/cv/{cv}",
    "/console/requests",
    "/console/statistics",
    "/console/disclosures",
]
ADMIN_ONLY = [
    "/console/staff",
    "/console/notices",
    "/console/notices/new",
    "/console/audit",
    "/console/art30",
    "/console/art30.md",
    "/console/art30.json",
]
EXPECTED = {
    "reception": {"recruiting": 403, "admin": 403},
    "hr": {"recruiting": 200, "admin": 403},
    "admin": {"recruiting": 200, "admin": 200},
}


@pytest.mark.parametrize("role", ["reception", "hr", "admin"])
async def test_role_matrix(client, role):
    pid = await open_position()
    a = await consenting_application(pid, "Matrix Candidate")
    await signed_in(client, role)
    ids = {"pid": pid, "aid": a["application_id"], "cv": a["cv_id"]}
    for group, paths in (("recruiting", RECRUITING), ("admin", ADMIN_ONLY)):
        for path in paths:
            response = await client.get(path.format(**ids))
            assert response.status_code == EXPECTED[role][group], (role, path)
            if response.status_code == 403:
                assert "Matrix Candidate" not in response.text


@pytest.mark.parametrize("role", ["reception", "hr", "admin"])
async def test_navigation_shows_only_what_the_role_may_open(client, role):
    await signed_in(client, role)
    home = (await client.get("/console")).text
    assert ('href="/console/positions"' in home) is (role != "reception")
    assert ('href="/console/audit"' in home) is (role == "admin")
    assert ('href="/console/notices"' in home) is (role == "admin")


async def test_without_login_every_console_page_redirects_to_login(client):
    pid = await open_position()
    for path in RECRUITING[:2] + ADMIN_ONLY:
        response = await client.get(path.format(pid=pid))
        assert response.status_code == 303 and "/console/login" in response.headers["location"]


async def test_the_console_speaks_danish(client):
    pid = await open_position()
    await consenting_application(pid, "Dorte Dansk", m=False, n=False, cv=None)
    await signed_in(client, "hr")
    home = await client.get("/console?lang=da")
    assert "Stillinger" in home.text and "Log ud" in home.text
    queue = await client.get(f"/console/positions/{pid}/applications?lang=da")
    assert "Venter på samtykke" in queue.text and "Næste side" not in queue.text
    login = await client.get("/console/login?lang=da")
    assert "Log ind for medarbejdere" in login.text
