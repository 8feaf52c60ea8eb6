"""Issue 21.1, nothing typed is lost: after an error on the apply form the CV already sent is
kept (encrypted, for that form only) and the form can be sent again without choosing it; a kept
CV never used is erased by the clean-up job within the hour, its name with it."""

import re
from datetime import timedelta

from app.clock import utcnow
from app.jobs import JOBS, run_job
from app.privacy.housekeeping import sweep_orphan_cv_files
from app.recruiting.cv_store import read_cv
from app.recruiting.kept_cv import KEPT_FOR, erase_expired
from app.tables import Application, CVFile, KeptCV
from tests.cv_storage import stored_cvs
from tests.helpers import csrf_from
from tests.portal.support import PDF, apply_fields, apply_via_portal, docx, position_slug

KEPT_FIELD = re.compile(r'name="kept_cv" value="([^"]+)"')
# What a browser sends for a file input left empty.
NO_FILE = {"cv": ("", b"", "application/octet-stream")}


def kept_token(html: str) -> str:
    match = KEPT_FIELD.search(html)
    assert match, "the page keeps no CV"
    return match.group(1)


async def files_on_disk(settings) -> list[bytes]:
    return list((await stored_cvs()).values())  # cv_blob rows on PostgreSQL


async def send_again(client, slug: str, page: str, files=None, **fields: str):
    data = {**apply_fields(**fields), "_csrf_token": csrf_from(page), "kept_cv": kept_token(page)}
    return await client.post(f"/apply/{slug}", data=data, files=files or NO_FILE)


async def test_an_email_typo_keeps_the_cv_and_the_form_goes_through_without_it(
        client, notices, settings):
    slug = await position_slug()
    first = await apply_via_portal(client, slug, email="ada@example", filename="Ada CV.pdf")
    assert first.status_code == 400 and 'id="email-error"' in first.text
    assert "Your CV Ada CV.pdf is kept, you do not need to choose it again." in first.text
    assert "Replace it with another file" in first.text
    assert re.search(r'<input id="cv" name="cv" type="file" (?!required)', first.text)
    assert await Application.count() == 0 and await KeptCV.count() == 1
    stored = await files_on_disk(settings)
    assert len(stored) == 1 and b"planted-cv-marker" not in stored[0]  # encrypted at rest

    second = await send_again(client, slug, first.text)
    assert second.status_code == 200, second.text[:500]
    assert "we received your application" in second.text
    cv = await CVFile.select().first()
    assert cv["original_name"] == "Ada CV.pdf" and await read_cv(cv) == PDF
    # Used once, then gone: only the application's own copy is left on disk.
    assert await KeptCV.count() == 0 and len(await files_on_disk(settings)) == 1


async def test_danish_page_says_the_cv_is_kept(client, notices):
    slug = await position_slug()
    client.headers["accept-language"] = "da"
    first = await apply_via_portal(client, slug, email="ada@example")
    assert "Dit CV cv.pdf er gemt, du behøver ikke vælge det igen." in first.text
    assert "Erstat det med en anden fil" in first.text


async def test_a_new_file_replaces_the_kept_one(client, notices, settings):
    slug = await position_slug()
    first = await apply_via_portal(client, slug, email="ada@example")
    second = await send_again(client, slug, first.text, files={"cv": ("Mit CV.docx", docx())},
                              full_name="")
    assert second.status_code == 400 and "Your CV Mit CV.docx is kept" in second.text
    assert kept_token(second.text) != kept_token(first.text)
    assert await KeptCV.count() == 1 and len(await files_on_disk(settings)) == 1  # the old one gone
    # The old form's token keeps nothing any more.
    stale = await send_again(client, slug, first.text.replace(
        csrf_from(first.text), csrf_from(second.text)))
    assert stale.status_code == 400 and "has expired. Choose it again." in stale.text
    third = await send_again(client, slug, second.text)
    assert third.status_code == 200, third.text[:300]
    cv = await CVFile.select().first()
    assert cv["original_name"] == "Mit CV.docx" and cv["media_type"].endswith("document")


async def test_a_bad_new_file_leaves_the_kept_one_kept(client, notices):
    slug = await position_slug()
    first = await apply_via_portal(client, slug, email="ada@example")
    second = await send_again(client, slug, first.text, files={"cv": ("x.pdf", b"MZ not a cv")})
    assert second.status_code == 400 and 'id="cv-error"' in second.text
    assert kept_token(second.text) == kept_token(first.text)
    assert "Your CV cv.pdf is kept" in second.text


async def test_the_kept_cv_belongs_to_its_form_and_position(client, notices):
    slug, other = await position_slug(), await position_slug("Designer")
    first = await apply_via_portal(client, slug, email="ada@example")
    data = {**apply_fields(), "_csrf_token": csrf_from(first.text), "kept_cv": "guessed" * 6}
    guessed = await client.post(f"/apply/{slug}", data=data, files=NO_FILE)
    assert guessed.status_code == 400 and "has expired. Choose it again." in guessed.text
    elsewhere = await send_again(client, other, first.text)
    assert elsewhere.status_code == 400 and 'id="cv-error"' in elsewhere.text
    assert await Application.count() == 0


async def test_the_kept_cv_belongs_to_the_browser_that_sent_it(client, notices):
    slug = await position_slug()
    first = await apply_via_portal(client, slug, email="ada@example")
    token = kept_token(first.text)
    client.cookies.clear()  # another browser that saw the page (or its token) only
    page = await client.get(f"/apply/{slug}")
    data = {**apply_fields(), "_csrf_token": csrf_from(page.text), "kept_cv": token}
    other = await client.post(f"/apply/{slug}", data=data, files=NO_FILE)
    assert other.status_code == 400 and "has expired. Choose it again." in other.text
    assert await Application.count() == 0 and await KeptCV.count() == 1


async def test_a_kept_cv_never_used_is_erased_within_the_hour_by_the_job(
        client, notices, settings):
    slug = await position_slug()
    first = await apply_via_portal(client, slug, email="ada@example", filename="Ada Lovelace.pdf")
    sent = utcnow()
    assert await erase_expired(sent) == 0 and await KeptCV.count() == 1
    # The daily orphan sweep does not take a kept CV's file (it has its key row).
    assert await sweep_orphan_cv_files(sent + timedelta(hours=2), grace=timedelta(0)) == 0
    job = next(j for j in JOBS if j.name == "kept_cvs")
    interval = timedelta(seconds=job.trigger_args()["seconds"])  # type: ignore[operator]
    assert KEPT_FOR + interval <= timedelta(hours=1)
    counts = await run_job(job, sent + KEPT_FOR + timedelta(seconds=1))
    assert counts == {"kept_cvs": 1}
    # Nothing of it is left: no row (its name went with it), no file.
    assert await KeptCV.count() == 0 and await files_on_disk(settings) == []
    late = await send_again(client, slug, first.text)
    assert late.status_code == 400 and "has expired. Choose it again." in late.text
