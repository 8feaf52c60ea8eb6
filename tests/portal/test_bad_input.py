"""Bad input on the apply form: a clear message beside the field, in the user's language,
with what was typed kept (an accepted CV kept encrypted for the next try, issue 21.1), and
nothing half-stored."""

import io
import re
import zipfile

import pytest

from app.tables import Application, Candidate, ConsentEvent, CVFile, KeptCV, OutboxMail
from tests.cv_storage import stored_cv_names
from tests.helpers import csrf_from
from tests.portal.support import PDF, apply_fields, apply_via_portal, plain_zip, position_slug

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program"


def polyglot() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("payload.js", "alert(1)")
    return PDF + buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "wordprocessingml")
        z.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


async def nothing_stored(settings, files_before: int, kept: int = 0) -> None:
    """No application, no candidate, no mail; only `kept` CVs kept for the next try (21.1)."""
    for table in (Candidate, Application, CVFile, ConsentEvent, OutboxMail):
        assert await table.count() == 0, table._meta.tablename
    assert await KeptCV.count() == kept
    assert await cv_files(settings) == files_before + kept


async def cv_files(settings) -> int:
    return len(await stored_cv_names())


@pytest.mark.parametrize(("content", "filename"), [
    (EXE, "cv.pdf"), (plain_zip(), "cv.docx"), (polyglot(), "cv.pdf"), (zip_bomb(), "cv.docx"),
    (b"", "cv.pdf")])
async def test_a_file_that_is_not_a_cv_is_refused_beside_the_field(client, notices, settings,
                                                                   content, filename):
    slug, before = await position_slug(), await cv_files(settings)
    response = await apply_via_portal(client, slug, cv=content, filename=filename)
    assert response.status_code == 400
    assert 'id="cv-error"' in response.text
    assert "PDF or a Word" in response.text or "Choose a CV file" in response.text
    assert 'value="Ada Lovelace"' in response.text and "I like engines." in response.text
    await nothing_stored(settings, before)


async def test_a_file_over_10_mib_is_refused_and_over_11_is_a_413(client, notices, settings):
    slug, before = await position_slug(), await cv_files(settings)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = await apply_via_portal(client, slug, cv=big)
    assert response.status_code == 400 and "at most 10 MiB" in response.text
    huge = await apply_via_portal(client, slug, cv=PDF + b"0" * (12 * 1024 * 1024))
    assert huge.status_code == 413 and "That file is too large" in huge.text
    await nothing_stored(settings, before)


async def test_invalid_email_and_missing_fields_in_danish(client, notices, settings):
    slug, before = await position_slug(), await cv_files(settings)
    client.headers["accept-language"] = "da"
    response = await apply_via_portal(client, slug, email="not-an-email", full_name="",
                                      phone="call me maybe")
    assert response.status_code == 400
    assert 'id="email-error"' in response.text and 'id="full_name-error"' in response.text
    assert 'id="phone-error"' in response.text
    assert re.search(r'aria-describedby="[^"]*email-error"', response.text)
    assert "Skriv en gyldig e-mailadresse." in response.text
    assert "Dette felt skal udfyldes." in response.text
    assert 'value="not-an-email"' in response.text
    assert "Dit CV cv.pdf er gemt" in response.text
    await nothing_stored(settings, before, kept=1)


async def test_a_stale_csrf_token_keeps_what_was_typed(client, notices, settings):
    slug, before = await position_slug(), await cv_files(settings)
    await client.get(f"/apply/{slug}")
    response = await client.post(f"/apply/{slug}", data={**apply_fields(),
                                                         "_csrf_token": "stale" * 30},
                                 files={"cv": ("cv.pdf", PDF)},
                                 headers={"accept-language": "da"})
    assert response.status_code == 400
    assert "Formularen var udløbet" in response.text
    assert 'value="Ada Lovelace"' in response.text
    await nothing_stored(settings, before)
    # The page carries a fresh token that works.
    retry = await client.post(f"/apply/{slug}", data={**apply_fields(),
                                                      "_csrf_token": csrf_from(response.text)},
                              files={"cv": ("cv.pdf", PDF)})
    assert retry.status_code == 200 and await Application.count() == 1


async def test_a_docx_is_accepted(client, notices):
    from tests.portal.support import docx

    response = await apply_via_portal(client, await position_slug(), cv=docx(),
                                      filename="Mit CV.docx")
    assert response.status_code == 200
    cv = await CVFile.select().first()
    assert cv["original_name"] == "Mit CV.docx" and cv["media_type"].endswith("document")


async def test_the_form_shown_after_an_error_can_be_sent_again(client, notices):
    slug = await position_slug()
    first = await apply_via_portal(client, slug, email="not-an-email")
    assert first.status_code == 400
    retry = await client.post(f"/apply/{slug}", data={**apply_fields(),
                                                      "_csrf_token": csrf_from(first.text)},
                              files={"cv": ("cv.pdf", PDF)})
    assert retry.status_code == 200, retry.text[:300]
    assert await Application.count() == 1
