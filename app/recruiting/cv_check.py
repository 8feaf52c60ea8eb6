"""Is this upload a CV we accept? Judged by its content only, never by its name or the
browser's content type, nor by what the file says about itself (SECURITY.md "CV upload";
issue 16 item 6): a PDF starts with "%PDF-" and holds no zip anywhere; a DOCX is a real
Office Open XML zip whose entries, actually inflated, stay small.

- A PDF that is also a zip (a polyglot, which a zip tool would open as something else) is
  refused wherever the zip sits: zipfile.is_zipfile only looks for the zip's end record in
  the last 64 KiB, so one followed by more PDF bytes slipped through. Every zip signature in
  the file is checked for a plausible zip header (a random match inside a compressed PDF
  stream is not one).
- A zip bomb is refused by inflating every entry, capped, instead of trusting the sizes the
  zip declares: those are the attacker's own numbers."""

import io
import struct
import zipfile
import zlib

from app.errors import ValidationFailed

MAX_CV_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}

# A DOCX of a few pages inflates to a few MiB at most; anything far beyond is a bomb.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 2000
CHUNK = 16 * 1024
PIECE = 1024 * 1024

MISSING = "Choose a CV file (PDF or Word)."
TOO_LARGE = "Your CV may be at most 10 MiB."
WRONG_TYPE = "Your CV must be a PDF or a Word (DOCX) file."

LOCAL_HEADER = b"PK\x03\x04"
CENTRAL_HEADER = b"PK\x01\x02"
END_RECORD = b"PK\x05\x06"
# stored, deflated, bzip2, lzma, zstd, xz, ppmd: what a zip tool would open
ZIP_METHODS = {0, 8, 9, 12, 14, 93, 95, 98}


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"cv": message})


def _plausible_name(name: bytes) -> bool:
    return 0 < len(name) <= 1024 and all(32 <= b < 127 or b >= 128 for b in name)


def _zip_header_at(content: bytes, at: int) -> bool:
    """Is there a zip local or central header at `at` that a zip tool would take as one?"""
    if content.startswith(LOCAL_HEADER, at) and at + 30 <= len(content):
        version, _, method = struct.unpack_from("<HHH", content, at + 4)
        name_length = struct.unpack_from("<H", content, at + 26)[0]
        name = content[at + 30 : at + 30 + name_length]
        return version < 100 and method in ZIP_METHODS and _plausible_name(name)
    if content.startswith(CENTRAL_HEADER, at) and at + 46 <= len(content):
        _, needed, _, method = struct.unpack_from("<HHHH", content, at + 4)
        name_length = struct.unpack_from("<H", content, at + 28)[0]
        name = content[at + 46 : at + 46 + name_length]
        return needed < 100 and method in ZIP_METHODS and _plausible_name(name)
    if content.startswith(END_RECORD, at) and at + 22 <= len(content):
        disk, start_disk, here, total = struct.unpack_from("<HHHH", content, at + 4)
        return disk == start_disk == 0 and here == total
    return False


def _holds_a_zip(content: bytes) -> bool:
    for signature in (LOCAL_HEADER, CENTRAL_HEADER, END_RECORD):
        at = content.find(signature)
        while at != -1:
            if _zip_header_at(content, at):
                return True
            at = content.find(signature, at + 1)
    return False


class _Budget:
    """What inflating may still take: bytes out (the bomb) and bytes in (entries that all
    point at the same data, or a stream of empty blocks, cost time without output)."""

    def __init__(self, content: bytes) -> None:
        self.out = min(MAX_UNCOMPRESSED, MAX_RATIO * len(content))
        self.into = 2 * len(content)  # the entries of a real zip do not overlap

    def spent(self) -> bool:
        return self.out < 0 or self.into < 0


def _inflate(content: bytes, member: zipfile.ZipInfo, budget: _Budget) -> None:
    """Inflate the entry from its local header to the end of its deflate stream (or of the
    file), whatever sizes the zip declares, charging what it takes to `budget`."""
    at = member.header_offset
    if not content.startswith(LOCAL_HEADER, at):
        raise zipfile.BadZipFile("no local header")
    name_length, extra_length = struct.unpack_from("<HH", content, at + 26)
    position = at + 30 + name_length + extra_length
    if member.compress_type == zipfile.ZIP_STORED:
        size = min(member.compress_size, max(len(content) - position, 0))
        budget.out -= size
        budget.into -= size
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("not an Office compression")  # Word writes deflate only
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    while not inflater.eof and position < len(content) and not budget.spent():
        pending = content[position : position + CHUNK]
        position += len(pending)
        budget.into -= len(pending)
        while pending and not inflater.eof and not budget.spent():
            # at most a MiB at a time: the bomb never sits in memory whole
            budget.out -= len(inflater.decompress(pending, min(budget.out + 1, PIECE)))
            pending = inflater.unconsumed_tail


def _check_docx(content: bytes) -> None:
    budget = _Budget(content)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise _refuse(WRONG_TYPE)
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise _refuse(WRONG_TYPE)
            if sum(m.file_size for m in members) > budget.out:
                raise _refuse(WRONG_TYPE)  # says itself that it is a bomb
            for member in members:  # what they really inflate to, all of them together
                _inflate(content, member, budget)
                if budget.spent():
                    raise _refuse(WRONG_TYPE)
            types = archive.read("[Content_Types].xml")
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        zlib.error,
        struct.error,
    ) as exc:
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
        if _holds_a_zip(content):
            raise _refuse(WRONG_TYPE)  # a polyglot: also a zip, wherever it sits
        return PDF
    if content.startswith(LOCAL_HEADER):
        _check_docx(content)
        return DOCX
    raise _refuse(WRONG_TYPE)
