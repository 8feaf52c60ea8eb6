"""After erasure no rendered page of the candidate remains (issue 17 point 1: "no rendering is
cached beyond the request"). A reviewer reads a PDF CV's five pages and a DOCX CV in place;
reading writes no file to the data folder; after erasure neither the page images' bytes nor
the DOCX text shown are in the database, its WAL or journal, or anywhere in the data folder."""

import secrets
from pathlib import Path

from app.clock import utcnow
from app.config import current
from app.privacy.audit import SYSTEM
from app.privacy.erasure import checkpoint, erase_candidate
from app.recruiting.cv_store import store_cv
from app.tables import CVFile
from tests.console.support import signed_in
from tests.documents import docx_with, pdf_pages
from tests.factories import consenting_application, open_position
from tests.retention.test_no_trace import _database_files, _other_worker, _raw_bytes, wal_mode

__all__ = ["wal_mode"]  # the WAL fixture of the no-trace test, used here too

MARKER = "Rq4RENDEREDx8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _stored_files() -> dict[Path, bytes]:
    """Every file under the data folder and the database's own files, as raw bytes."""
    found = {p: _raw_bytes(p) for p in Path(current().data_dir).rglob("*") if p.is_file()}
    if current().is_sqlite:
        found.update({p: _raw_bytes(p) for p in _database_files()})
    return found


def _holding(needles: list[bytes]) -> list[str]:
    files = _stored_files()
    return sorted({p.name for p, raw in files.items() for n in needles if n in raw})


def _pieces(png: bytes) -> list[bytes]:
    """Three stretches of a page image's compressed pixels: a copy of the image, whole or
    in part, holds them; nothing else does."""
    return [png[i : i + 64] for i in (len(png) // 4, len(png) // 2, 3 * len(png) // 4)]


async def test_no_rendered_page_or_docx_text_is_left_after_erasure(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, f"Ann {MARKER}", cv=pdf_pages(5, f"CV of {MARKER}"))
    stored = await store_cv(docx_with(f"Ann {MARKER}", f"Portfolio {MARKER}-docx"))
    await CVFile.insert(CVFile(application=a["application_id"], storage_name=stored.storage_name,
                               original_name="ann.docx", media_type=DOCX, size=1,
                               wrapped_key=stored.wrapped_key))  # fmt: skip
    before = {p for p in _stored_files() if not p.name.startswith("intake.sqlite")}

    base = f"/console/positions/{pid}/applications/{a['application_id']}"
    page = await client.get(base)
    assert f"Portfolio {MARKER}-docx" in page.text  # the DOCX was shown in place
    images = [(await client.get(f"{base}/cv/{a['cv_id']}/pages/{n}")).content for n in range(1, 6)]
    assert all(png.startswith(b"\x89PNG") for png in images)
    after_reading = {p for p in _stored_files() if not p.name.startswith("intake.sqlite")}
    assert after_reading == before, "reading a CV in place wrote a file"

    needles = [piece for png in images for piece in _pieces(png)]
    needles.append(f"{MARKER}-docx".encode())
    # The search finds a copy where there is one (else this test could not fail).
    decoy = Path(current().data_dir) / f"decoy-{secrets.token_hex(4)}"
    decoy.write_bytes(b"..." + images[2][100:] + b"...")
    try:
        assert decoy.name in _holding(needles)
    finally:
        decoy.unlink()

    other = _other_worker()  # another worker's open connection, as in production
    try:
        await erase_candidate(a["candidate_id"], "erasure request", utcnow(), SYSTEM)
        if current().is_sqlite:
            await checkpoint()
        assert _holding(needles) == []
        assert _holding([MARKER.encode()]) == []  # the name and the CVs' text went too
    finally:
        if other is not None:
            other.close()
