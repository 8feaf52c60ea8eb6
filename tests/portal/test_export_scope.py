"""A candidate's export (Art. 15) holds their own rights requests and nobody else's: not
another candidate's, not a visitor's."""

import io
import json
import zipfile

from app.clock import utcnow
from app.db import transaction
from app.privacy import rights_requests
from app.privacy.export import export_zip
from tests.factories import candidate_row


async def test_the_export_holds_only_the_candidates_own_rights_requests():
    now = utcnow()
    a_id, _ = await candidate_row("Anna A", "anna@example.org")
    b_id, _ = await candidate_row("Bent B", "bent@example.org")
    async with transaction():
        await rights_requests.open_request("complaint", "candidate", now, candidate_id=a_id,
                                           details="request-of-A-zq")
        await rights_requests.open_request("objection", "candidate", now, candidate_id=b_id,
                                           details="request-of-B-zq")
        await rights_requests.open_request("access", "visitor", now, name="Vic Visitor",
                                           email="vic@example.org", details="visitor-zq")
    archive = zipfile.ZipFile(io.BytesIO(await export_zip(a_id, now)))
    text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert "request-of-A-zq" in text
    assert "request-of-B-zq" not in text and "visitor-zq" not in text
    assert "Vic Visitor" not in text and "vic@example.org" not in text
    mine = json.loads(archive.read("my-data.json"))
    assert [r["details"] for r in mine["rights_requests"]] == ["request-of-A-zq"]
