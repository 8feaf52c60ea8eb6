"""Attacks on the CV upload (issue 7 item 3; SECURITY.md "CV upload"): each refused with its own
message, through the real apply form, and nothing stored: no candidate, no application, no file.
The checks are the portal's (app/recruiting/cv_check.py); these are the attacker's tries."""

import io
import struct
import zipfile
import zlib

import pytest

from app.tables import Application, Candidate, CVFile
from tests.cv_storage import stored_cv_names
from tests.portal.support import apply_via_portal, position_slug

WRONG_TYPE = "Your CV must be a PDF or a Word (DOCX) file."
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 4000
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\xcc" * 4000


def polyglot() -> bytes:
    """A PDF header that is also a valid zip (zip readers look at the end of the file)."""
    buffer = io.BytesIO()
    buffer.write(b"%PDF-1.4\n1 0 obj <<>> endobj\n")
    with zipfile.ZipFile(buffer, "a") as z:
        z.writestr("payload.exe", PE)
    return buffer.getvalue()


def docx_bomb() -> bytes:
    """A real-looking Office zip whose document inflates to 200 MiB from ~200 KiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    return buffer.getvalue()


def pdf_with_a_zip_inside(after: int = 70 * 1024) -> bytes:
    """A PDF with a whole zip inside and more PDF after it than the 64 KiB in which zip
    readers (and zipfile.is_zipfile) look for the zip's end record."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("payload.exe", PE)
    return (b"%PDF-1.4\n1 0 obj <<>> stream\n" + inner.getvalue() + b"\nendstream endobj\n"
            + b"% padding\n" * (after // 10) + b"%%EOF\n")


def zip_by_hand(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A deflate zip whose entries declare the given (name, deflated data, size, crc)."""
    body, directory = b"", b""
    for name, data, size, crc in entries:
        offset, raw = len(body), name.encode()
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data),
                            size, len(raw), 0) + raw + data
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc,
                                 len(data), size, len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(directory), len(body), 0)
    return body + directory + end


def deflated(*chunks: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return b"".join(deflater.compress(c) for c in chunks) + deflater.flush()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.'
                 b'wordprocessingml.document.main+xml"/></Types>')


def docx_that_lies_about_its_sizes() -> bytes:
    """Every entry declares a small size; the document inflates to 200 MiB all the same."""
    document = deflated(*[b"\x00" * (1024 * 1024)] * 200)
    return zip_by_hand([
        ("[Content_Types].xml", deflated(CONTENT_TYPES), len(CONTENT_TYPES),
         zlib.crc32(CONTENT_TYPES)),
        ("word/document.xml", document, 1024, zlib.crc32(b"\x00" * 1024)),
    ])


async def cv_files(settings) -> set[str]:
    return set(await stored_cv_names())  # cv_blob rows on PostgreSQL, files on SQLite


async def nothing_stored(settings, files_before: set[str]) -> None:
    assert await Candidate.count() == 0
    assert await Application.count() == 0
    assert await CVFile.count() == 0
    # other tests of the session leave files behind: only this upload's would be new
    assert await cv_files(settings) == files_before


@pytest.mark.parametrize(("content", "filename"), [
    (ELF, "cv.pdf"),  # an executable renamed .pdf
    (PE, "resume.pdf"),
    (PE, "cv.docx"),
    (b"<html><script>alert(1)</script></html>", "cv.pdf"),
], ids=["elf-as-pdf", "exe-as-pdf", "exe-as-docx", "html-as-pdf"])
async def test_an_executable_with_a_cv_name_is_refused(client, notices, settings, content,
                                                       filename):
    before = await cv_files(settings)
    response = await apply_via_portal(client, await position_slug(), cv=content,
                                      filename=filename)
    assert response.status_code == 400
    assert WRONG_TYPE in response.text
    await nothing_stored(settings, before)


async def test_a_pdf_zip_polyglot_is_refused(client, notices, settings):
    content = polyglot()
    assert content.startswith(b"%PDF-") and zipfile.is_zipfile(io.BytesIO(content))
    before = await cv_files(settings)
    response = await apply_via_portal(client, await position_slug(), cv=content)
    assert response.status_code == 400 and WRONG_TYPE in response.text
    await nothing_stored(settings, before)


async def test_a_docx_zip_bomb_is_refused_without_inflating_it(client, notices, settings):
    content = docx_bomb()
    assert len(content) < 2 * 1024 * 1024
    before = await cv_files(settings)
    response = await apply_via_portal(client, await position_slug(), cv=content,
                                      filename="cv.docx")
    assert response.status_code == 400 and WRONG_TYPE in response.text
    await nothing_stored(settings, before)


async def test_an_11_mib_file_is_refused_with_the_size_message(client, notices, settings):
    content = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    before = await cv_files(settings)
    response = await apply_via_portal(client, await position_slug(), cv=content)
    assert response.status_code in (400, 413)
    assert "10 MiB" in response.text  # "Files may be at most 10 MiB." / "...at most 10 MiB."
    await nothing_stored(settings, before)


async def test_a_file_just_over_10_mib_gets_the_field_message(client, notices, settings):
    content = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    before = await cv_files(settings)
    response = await apply_via_portal(client, await position_slug(), cv=content)
    assert response.status_code == 400
    assert "Your CV may be at most 10 MiB." in response.text
    await nothing_stored(settings, before)


async def test_a_pdf_with_a_zip_anywhere_inside_is_refused(client, notices, settings):
    """Issue 16 item 6: zipfile.is_zipfile looks at the last 64 KiB only."""
    content = pdf_with_a_zip_inside()
    assert not zipfile.is_zipfile(io.BytesIO(content))  # what the old check relied on
    before = await cv_files(settings)
    response = await apply_via_portal(client, await position_slug(), cv=content)
    assert response.status_code == 400 and WRONG_TYPE in response.text
    await nothing_stored(settings, before)


async def test_a_docx_that_lies_about_its_sizes_is_refused_by_what_it_inflates_to(
        client, notices, settings):
    """Issue 16 item 6: the sizes a zip declares are the attacker's; the bytes inflated
    are counted, with a hard cap, instead."""
    content = docx_that_lies_about_its_sizes()
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert sum(m.file_size for m in z.infolist()) < 2048
        assert b"wordprocessingml" in z.read("[Content_Types].xml")
    before = await cv_files(settings)
    response = await apply_via_portal(client, await position_slug(), cv=content,
                                      filename="cv.docx")
    assert response.status_code == 400 and WRONG_TYPE in response.text
    await nothing_stored(settings, before)


def test_real_pdfs_and_docx_files_still_pass_the_content_checks():
    """No false alarm: zip-like bytes inside a compressed PDF stream that no zip tool would
    take for a header, and an honest DOCX (entries that inflate to what they declare)."""
    from app.recruiting.cv_check import DOCX, PDF, sniff_cv

    noisy = b"%PDF-1.7\n" + b"stream\nPK\x03\x04\xff\xff\x13\x37PK\x01\x02\xee\xeePK\x05\x06\x01"
    assert sniff_cv(noisy * 50 + b"%%EOF") == PDF
    text = b"".join(f"<w:p>{i}: Ada Lovelace, analyst at {i * 7919 % 1000}</w:p>".encode()
                    for i in range(2000))
    honest = zip_by_hand([
        ("[Content_Types].xml", deflated(CONTENT_TYPES), len(CONTENT_TYPES),
         zlib.crc32(CONTENT_TYPES)),
        ("word/document.xml", deflated(text), len(text), zlib.crc32(text)),
    ])
    assert sniff_cv(honest) == DOCX
