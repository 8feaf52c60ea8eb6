"""Nothing kept on one machine (issue 18.1). On PostgreSQL a CV's encrypted bytes are a row of
cv_blob, so every host serves it whatever its data folder; on SQLite (one machine) they stay
a file in INTAKE_DATA_DIR/cv. Either way only ciphertext is stored, and it dies with its key.
Lockouts after failed logins are rows of the database too: they hold across hosts."""

import asyncio

import httpx
import pytest

from app.config import current
from app.recruiting.cv_store import read_cv
from app.tables import Application, CVBlob, CVFile
from tests.conftest import DATABASE, LiveServer
from tests.cv_storage import files_in_folder, stored_cvs
from tests.factories import staff_member
from tests.helpers import csrf_from
from tests.portal.support import PDF, apply_via_portal, position_slug
from tests.security.servers import server_env

MARKER = b"planted-cv-marker"


async def test_an_uploaded_cv_lies_where_its_database_says_and_reads_back(client, notices):
    slug = await position_slug()
    response = await apply_via_portal(client, slug)
    assert response.status_code == 200 and await Application.count() == 1, response.text[:300]
    cv = await CVFile.select().first()
    assert cv is not None and await read_cv(cv) == PDF
    stored = await stored_cvs()
    assert list(stored) == [cv["storage_name"]] and MARKER not in stored[cv["storage_name"]]
    if DATABASE == "postgres":
        # Nothing written to this host's data folder: not even the CV folder.
        assert not current().cv_dir.exists() and files_in_folder() == {}
        assert await CVBlob.count() == 1
    else:
        assert list(files_in_folder()) == [cv["storage_name"]]
        assert await CVBlob.count() == 0  # the table is there, unused on one machine


# --- two hosts ------------------------------------------------------------------------------


async def _login(http: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    page = await http.get("/console/login")
    return await http.post(
        "/console/login",
        data={"email": email, "password": password, "_csrf_token": csrf_from(page.text)},
    )


async def _apply(http: httpx.AsyncClient, slug: str) -> int:
    page = await http.get(f"/apply/{slug}")
    fields = {"full_name": "Ada Lovelace", "email": "ada@example.org", "consent_m": "true",
              "consent_n": "true", "_csrf_token": csrf_from(page.text)}  # fmt: skip
    return (
        await http.post(f"/apply/{slug}", data=fields, files={"cv": ("cv.pdf", PDF)})
    ).status_code


@pytest.mark.slow
@pytest.mark.skipif(DATABASE != "postgres", reason="several hosts need PostgreSQL")
async def test_two_hosts_with_their_own_data_folders_serve_the_same_cv_and_lockout(
    tmp_path, notices
):
    slug = await position_slug()
    _, email, password = await staff_member("hr")
    folders = [tmp_path / "host-a", tmp_path / "host-b"]
    servers = [LiveServer(server_env(INTAKE_DATA_DIR=str(f))) for f in folders]
    for server in servers:
        await asyncio.to_thread(server.start)
    try:
        a, b = (httpx.AsyncClient(base_url=s.url, timeout=30) for s in servers)
        async with a, b:
            assert await _apply(a, slug) == 200  # uploaded through host A
            row = await Application.select(Application.id, Application.position).first()
            cv = await CVFile.select(CVFile.id).first()
            assert row and cv
            path = f"/console/positions/{row['position']}/applications/{row['id']}/cv/{cv['id']}"
            for http in (b, a):  # host B first: it never saw the upload
                assert (await _login(http, email, password)).status_code in (200, 302, 303)
                download = await http.get(path)
                assert download.status_code == 200, download.text[:300]
                assert download.content == PDF
            # Lockout: five wrong passwords on host A lock the account on host B as well.
            async with httpx.AsyncClient(base_url=servers[0].url, timeout=30) as stranger:
                for _ in range(5):
                    await _login(stranger, email, "not the password")
            async with httpx.AsyncClient(base_url=servers[1].url, timeout=30) as owner:
                locked = await _login(owner, email, password)
            assert locked.status_code == 429 and "Too many attempts" in locked.text
    finally:
        for server in servers:
            server.stop()
    for folder in folders:  # neither host kept a CV of its own
        assert not (folder / "cv").exists(), list((folder / "cv").iterdir())
