"""Shared by the portal tests: CV files, an open position, applying through the real door."""

import io
import re
import zipfile

from app.tables import OutboxMail, Position
from tests.factories import open_position
from tests.helpers import csrf_from

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n% planted-cv-marker-PDF\ntrailer <<>>\n%%EOF\n"


def docx(marker: str = "planted-docx-marker") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", f"<w:document><w:t>{marker}</w:t></w:document>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", "not a word document")
    return buffer.getvalue()


async def position_slug(title: str = "Backend developer") -> str:
    pid = await open_position(title)
    row = await Position.select(Position.slug).where(Position.id == pid).first()
    assert row
    return str(row["slug"])


def apply_fields(**overrides: str) -> dict[str, str]:
    fields = {"full_name": "Ada Lovelace", "email": "ada@example.org", "phone": "+45 11 22 33 44",
              "cover_letter": "I like engines.", "consent_m": "true", "consent_n": "true"}
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


async def apply_via_portal(client, slug: str, cv: bytes = PDF, filename: str = "cv.pdf",
                           **fields: str):
    page = await client.get(f"/apply/{slug}")
    assert page.status_code == 200, page.text[:300]
    data = {**apply_fields(**fields), "_csrf_token": csrf_from(page.text)}
    return await client.post(f"/apply/{slug}", data=data, files={"cv": (filename, cv)})


LINK = re.compile(r"https?://\S+/me/signin/(\S+)")


async def latest_signin_token(email: str) -> str:
    mail = await OutboxMail.select().where(OutboxMail.to_address == email).order_by(
        OutboxMail.id, ascending=False).first()
    assert mail, "no mail was queued"
    match = LINK.search(mail["body"])
    assert match, mail["body"]
    return match.group(1)


async def sign_in(client, email: str) -> None:
    token = await latest_signin_token(email)
    page = await client.get(f"/me/signin/{token}")
    assert page.status_code == 200
    response = await client.post(f"/me/signin/{token}",
                                 data={"_csrf_token": csrf_from(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/me"
