"""The state a candidate sees, the CV content check and the CV encryption at rest."""

import pytest

from app.errors import ValidationFailed
from app.recruiting.cv_check import DOCX, PDF, sniff_cv
from app.recruiting.cv_store import destroy_cv, read_cv, store_cv
from app.recruiting.states import candidate_state
from tests.cv_storage import stored_cvs
from tests.portal.support import PDF as PDF_BYTES
from tests.portal.support import docx, plain_zip

BOTH = {"consent_m": True, "consent_n": True}


@pytest.mark.parametrize(("application", "candidate", "state"), [
    ({"stage": "received"}, BOTH, "received"),
    ({"stage": "received"}, {}, "waiting_for_consent"),
    ({"stage": "screening"}, {"consent_n": True}, "in_review"),
    ({"stage": "interview"}, BOTH, "interview"),
    ({"stage": "offer"}, BOTH, "offer"),
    ({"stage": "rejected"}, BOTH, "closed"),
    ({"stage": "hired"}, {}, "closed"),
    ({"stage": "interview", "restricted": True}, BOTH, "restricted"),
    ({"stage": "received", "objected": True}, {}, "restricted"),
])
def test_candidate_state(application, candidate, state):
    assert candidate_state(application, candidate) == state


def test_content_decides_not_the_name():
    assert sniff_cv(PDF_BYTES) == PDF
    assert sniff_cv(docx()) == DOCX
    for bad in (b"MZ\x90\x00", plain_zip(), b"\x7fELF", b"PK\x03\x04broken", b"<html>"):
        with pytest.raises(ValidationFailed) as exc:
            sniff_cv(bad)
        assert exc.value.errors["cv"] == "Your CV must be a PDF or a Word (DOCX) file."


async def test_cv_is_encrypted_at_rest_and_dies_with_its_key(settings):
    stored = await store_cv(PDF_BYTES)
    on_disk = (await stored_cvs())[stored.storage_name]  # a file, or a cv_blob row on PostgreSQL
    assert b"planted-cv-marker" not in on_disk and b"%PDF" not in on_disk
    row = {"storage_name": stored.storage_name, "wrapped_key": stored.wrapped_key}
    assert await read_cv(row) == PDF_BYTES
    other = await store_cv(PDF_BYTES)
    assert other.wrapped_key != stored.wrapped_key  # a key per file
    await destroy_cv(stored.storage_name)
    assert stored.storage_name not in await stored_cvs()
    await destroy_cv(other.storage_name)
