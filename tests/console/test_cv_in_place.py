"""The CV read in place (issue 17 point 1): PDF pages drawn on the server as watermarked
images, a DOCX as clean HTML, with purpose m only; each reading audited once per visit; the
download stays; refused without m, after withdrawal, when restricted or objected."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image, ImageChops

from app.clock import utcnow
from app.privacy.audit import Actor
from app.recruiting import cv_preview
from app.recruiting.cv_render import _draw
from app.staff.services import create_staff
from app.tables import Application, AuditEvent
from tests.console.support import audit_actions, signed_in
from tests.documents import docx_with, pdf_pages
from tests.factories import consenting_application, open_position, set_consent
from tests.helpers import login_staff

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(pid: int, a: dict, tail: str = "") -> str:
    return f"/console/positions/{pid}/applications/{a['application_id']}{tail}"


def page_url(pid: int, a: dict, number: int) -> str:
    return url(pid, a, f"/cv/{a['cv_id']}/pages/{number}")


async def _five_pages(name: str = "Petra Pages", **kw):  # type: ignore[no-untyped-def]
    pid = await open_position()
    return pid, await consenting_application(pid, name, cv=pdf_pages(5), **kw)


async def test_the_pages_are_shown_in_place_and_drawn_one_per_request(client):
    await signed_in(client, "hr")
    pid, a = await _five_pages()
    page = await client.get(url(pid, a))
    assert page.status_code == 200
    sources = re.findall(r'<img class="cv-page" src="([^"]+)"', page.text)
    assert sources == [page_url(pid, a, n) for n in range(1, 6)]
    assert "5 pages" in page.text and 'loading="lazy"' in page.text
    assert f'href="{url(pid, a, "/cv/" + str(a["cv_id"]))}"' in page.text  # the download stays
    first = await client.get(sources[0])
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    assert first.headers["cache-control"] == "no-store, private"
    image = Image.open(io.BytesIO(first.content))
    box = re.search(r'class="cv-page"[^>]* width="(\d+)" height="(\d+)"', page.text)
    assert box and image.size == (int(box[1]), int(box[2])) and image.width == 1000
    assert (await client.get(page_url(pid, a, 6))).status_code == 404
    assert (await client.get(page_url(pid, a, 0))).status_code == 404


async def test_each_page_carries_the_reviewers_own_watermark(client):
    await signed_in(client, "hr")
    pid, a = await _five_pages()
    mine = Image.open(io.BytesIO((await client.get(page_url(pid, a, 1))).content))
    bare = _draw(pdf_pages(5), 1).convert(mine.mode)
    assert ImageChops.difference(mine, bare).getbbox() is not None  # something was drawn
    email, password = "other-reviewer@example.org", "another long passphrase 7"
    await create_staff(email, "Olga Other", "hr", password, utcnow())
    assert (await login_staff(client, email, password)).status_code == 303
    theirs = Image.open(io.BytesIO((await client.get(page_url(pid, a, 1))).content))
    assert ImageChops.difference(mine, theirs).getbbox() is not None  # another name


async def test_a_reading_is_audited_once_per_visit_not_once_per_page(client):
    staff_id = await signed_in(client, "hr")
    pid, a = await _five_pages()
    await client.get(url(pid, a))
    for n in range(1, 6):
        assert (await client.get(page_url(pid, a, n))).status_code == 200
    await client.get(url(pid, a))  # a reload within the visit
    actions = await audit_actions(a["candidate_uid"])
    assert actions.count("cv_read") == 1 and actions.count("application_viewed") == 2
    # Past the visit (the staff idle timeout), the next page starts another visit.
    later = utcnow() + cv_preview.READING_VISIT + timedelta(minutes=1)
    me = Actor(kind="staff", id=staff_id, role="hr")
    await cv_preview.page_image(me, a["application_id"], pid, a["cv_id"], 2, "x", later)
    assert (await audit_actions(a["candidate_uid"])).count("cv_read") == 2
    events = await AuditEvent.select().where(AuditEvent.action == "cv_read")
    assert {e["object_id"] for e in events} == {str(a["cv_id"])}
    assert "Petra" not in repr(events)


async def test_a_page_image_opened_alone_is_still_audited(client):
    await signed_in(client, "admin")
    pid, a = await _five_pages()
    assert (await client.get(page_url(pid, a, 3))).status_code == 200
    assert (await audit_actions(a["candidate_uid"])).count("cv_read") == 1


@pytest.mark.parametrize("how", ["no consent m", "withdrawn", "restricted", "objected"])
async def test_the_preview_is_refused_without_m_after_withdrawal_and_when_frozen(client, how):
    await signed_in(client, "hr")
    pid, a = await _five_pages(m=how != "no consent m")
    assert how == "no consent m" or (await client.get(page_url(pid, a, 1))).status_code == 200
    if how == "withdrawn":
        await set_consent(a["candidate_id"], a["candidate_uid"], "m", False)
    elif how in ("restricted", "objected"):
        await Application.update({getattr(Application, how): True}).where(
            Application.id == a["application_id"]
        )
    refused = await client.get(page_url(pid, a, 1))
    assert refused.status_code == 403 and refused.headers["content-type"] != "image/png"
    page = await client.get(url(pid, a))
    assert 'class="cv-page"' not in page.text and 'id="background-refused"' in page.text
    assert (await client.get(url(pid, a, f"/cv/{a['cv_id']}"))).status_code == 403


async def test_reception_and_other_positions_never_see_a_page(client):
    pid, a = await _five_pages()
    other = await open_position("Another job")
    await signed_in(client, "reception")
    assert (await client.get(page_url(pid, a, 1))).status_code == 403
    await signed_in(client, "hr")
    forged = (
        f"/console/positions/{other}/applications/{a['application_id']}/cv/{a['cv_id']}/pages/1"
    )
    assert (await client.get(forged)).status_code == 404


async def test_a_docx_is_shown_as_clean_html_without_links_images_or_scripts(client):
    await signed_in(client, "hr")
    pid = await open_position()
    cv = docx_with("Dora Docx", "Ten years of building bridges.")
    a = await consenting_application(pid, "Dora Docx", cv=cv, cv_media_type=DOCX)
    page = await client.get(url(pid, a))
    shown = page.text.split('<div class="cv-docx">', 1)[1].split("</div>", 1)[0]
    assert "<h1>Dora Docx</h1>" in shown and "Ten years of building bridges." in shown
    assert "my portfolio" in shown and "tracker.example" not in page.text
    assert "<img" not in shown and "<a" not in shown and "data:image" not in page.text
    assert "<script>" not in shown and "&lt;script&gt;" in shown  # text, never markup
    assert (await client.get(page_url(pid, a, 1))).status_code == 404  # no pages for a DOCX


async def test_a_file_that_cannot_be_drawn_is_offered_as_a_download(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, cv=b"%PDF-1.4 not really a pdf")
    page = await client.get(url(pid, a))
    assert page.status_code == 200 and "cannot be shown in place" in page.text
    assert (await client.get(page_url(pid, a, 1))).status_code == 404
    assert (await client.get(url(pid, a, f"/cv/{a['cv_id']}"))).status_code == 200


async def test_a_long_cv_shows_its_first_pages_in_place_and_says_so(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, cv=pdf_pages(32, lines=2))
    page = await client.get(url(pid, a))
    assert page.text.count('class="cv-page"') == 30
    assert "32 pages · the first 30 are shown here; download the file for the rest" in page.text
    assert (await client.get(page_url(pid, a, 31))).status_code == 404
