"""Is this upload a CV we accept? Judged by its content only, never by its name or the
browser's content type (SECURITY.md "CV upload"): a PDF starts with "%PDF-"; a DOCX is a real
Office Open XML zip. An executable renamed .pdf, a PDF that is also a zip (a polyglot, which a
zip tool would open as something else) and a zip bomb are refused."""

import io
import zipfile

from app.errors import ValidationFailed

MAX_CV_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}

# A DOCX of a few pages inflates to a few MiB at most; anything far beyond is a bomb.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 2000

MISSING = "Choose a CV file (PDF or Word)."
TOO_LARGE = "Your CV may be at most 10 MiB."
WRONG_TYPE = "Your CV must be a PDF or a Word (DOCX) file."


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"cv": message})


def _is_zip(content: bytes) -> bool:
    return zipfile.is_zipfile(io.BytesIO(content))


def _check_docx(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise _refuse(WRONG_TYPE)
            names = {m.filename for m in members}
            total = sum(m.file_size for m in members)
            if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(content), 1):
                raise _refuse(WRONG_TYPE)
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise _refuse(WRONG_TYPE)
            if archive.getinfo("[Content_Types].xml").file_size > 1024 * 1024:
                raise _refuse(WRONG_TYPE)
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _refuse(WRONG_TYPE) from exc
    if b"wordprocessingml" not in types:
        raise _refuse(WRONG_TYPE)


def sniff_cv(content: bytes) -> str:
    """The media type of an acceptable CV, or ValidationFailed with a message for field "cv"."""
    if not content:
        raise _refuse(MISSING)
    if len(content) > MAX_CV_BYTES:
        raise _refuse(TOO_LARGE)
    if content.startswith(b"%PDF-"):
        if _is_zip(content):
            raise _refuse(WRONG_TYPE)  # a polyglot: also a zip
        return PDF
    if content.startswith(b"PK\x03\x04"):
        _check_docx(content)
        return DOCX
    raise _refuse(WRONG_TYPE)
