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


async def test_each_application_holds_its_own_rows_of_every_table_and_only_the_candidates_columns():
    from app.tables import Comment, Rating, StageChange
    from tests.factories import application_row, position_row

    now = utcnow()
    a_id, _ = await candidate_row("Anna A", "anna@example.org")
    b_id, _ = await candidate_row("Bent B", "bent@example.org")
    first, _ = await application_row(a_id, await position_row("First"))
    second, _ = await application_row(a_id, await position_row("Second"))
    other, _ = await application_row(b_id, await position_row("Third"))
    for app_id, word in ((first, "first-zq"), (second, "second-zq"), (other, "other-zq")):
        await Comment.insert(Comment(application=app_id, body=word, created_at=now))
        await Rating.insert(Rating(application=app_id, score=3, created_at=now))
        await StageChange.insert(StageChange(application=app_id, from_stage="received",
                                             to_stage="screening", at=now, reason=""))  # fmt: skip
    archive = zipfile.ZipFile(io.BytesIO(await export_zip(a_id, now)))
    mine = json.loads(archive.read("my-data.json"))
    by_id = {a["id"]: a for a in mine["applications"]}
    assert sorted(by_id) == sorted([first, second])
    for app_id, word in ((first, "first-zq"), (second, "second-zq")):
        got = by_id[app_id]
        assert [c["body"] for c in got["comments"]] == [word]
        assert [set(c) for c in got["comments"]] == [{"body", "created_at"}]  # no author
        assert [set(r) for r in got["ratings"]] == [{"score", "created_at"}]
        assert [set(s) for s in got["stage_changes"]] == [{"from_stage", "to_stage", "at",
                                                           "reason"}]  # fmt: skip
        for key in ("screening_answers", "messages", "interviews", "hr_system_hand_off"):
            assert got[key] == []
