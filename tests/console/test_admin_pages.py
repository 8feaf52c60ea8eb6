"""Positions (safe Markdown, open/close starts retention), the disclosure register (audited),
the audit log with filters, notices publishing and the Art. 30 record."""

import json

from app.privacy.notices import stale_consents
from app.tables import Candidate, Disclosure, NoticeVersion, Position
from tests.console.support import audit_actions, post_on, signed_in
from tests.factories import consenting_application, open_position


async def test_positions_create_edit_open_close_with_safe_markdown(client):
    await signed_in(client, "hr")
    created = await post_on(
        client,
        "/console/positions/new",
        "/console/positions",
        {
            "title": "Data engineer",
            "location": "Aarhus",
            "description": "**Great** team <script>alert(1)</script> [x](javascript:alert(1))",
        },
    )
    assert created.status_code == 303
    pid = (await Position.select().first())["id"]
    edit = await client.get(f"/console/positions/{pid}/edit")
    assert "<strong>Great</strong>" in edit.text
    assert "<script>alert(1)</script>" not in edit.text and 'href="javascript:' not in edit.text
    bad = await post_on(
        client,
        f"/console/positions/{pid}/edit",
        f"/console/positions/{pid}",
        {"title": "", "location": "x" * 300},
    )
    assert bad.status_code == 400 and "This field is required." in bad.text
    opened = await post_on(
        client, "/console/positions", f"/console/positions/{pid}/status", {"status": "open"}
    )
    assert opened.status_code == 303
    a = await consenting_application(pid, cv=None)
    await Candidate.update({Candidate.erase_after: None}).where(Candidate.id == a["candidate_id"])
    closed = await post_on(
        client, "/console/positions", f"/console/positions/{pid}/status", {"status": "closed"}
    )
    assert closed.status_code == 303
    row = await Position.select().where(Position.id == pid).first()
    assert row["status"] == "closed" and row["closed_at"] is not None
    cand = await Candidate.select().where(Candidate.id == a["candidate_id"]).first()
    assert cand["erase_after"] is not None  # closing started the retention clock
    assert (
        await post_on(
            client, "/console/positions", f"/console/positions/{pid}/status", {"status": "deleted"}
        )
    ).status_code == 400
    assert (await client.get("/console/positions/999999/edit")).status_code == 404


async def test_a_disclosure_is_registered_and_audited(client):
    await signed_in(client, "admin")
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    bad = await post_on(
        client,
        "/console/disclosures",
        "/console/disclosures",
        {
            "subject_kind": "candidate",
            "subject_ref": "not-a-uid",
            "recipient": "Police",
            "legal_basis": "Warrant",
            "disclosed_on": "2026-11-20",
        },
    )
    assert bad.status_code == 400 and await Disclosure.count() == 0
    ok = await post_on(
        client,
        "/console/disclosures",
        "/console/disclosures",
        {
            "subject_kind": "candidate",
            "subject_ref": a["candidate_uid"],
            "recipient": "Copenhagen Police",
            "legal_basis": "Court order (retsplejeloven § 804)",
            "reference": "W-2026-118",
            "disclosed_on": "2026-11-20",
            "description": "CV",
        },
    )
    assert ok.status_code == 303
    page = await client.get("/console/disclosures")
    assert "W-2026-118" in page.text and "Copenhagen Police" in page.text
    assert "disclosure_recorded" in await audit_actions(a["candidate_uid"])


async def test_the_audit_log_filters_by_actor_action_and_date(client):
    admin = await signed_in(client, "admin")
    pid = await open_position()
    a = await consenting_application(pid, "Frida Filter", cv=None)
    await client.get(f"/console/positions/{pid}/applications/{a['application_id']}")
    page = await client.get("/console/audit?action=application_viewed")
    short = a["candidate_uid"][:8]  # a short reference, linked to the application
    assert page.status_code == 200 and short in page.text
    assert "Frida Filter" not in page.text.split('<table class="list audit">')[1]
    assert "queue_viewed" not in page.text.split("<tbody>")[1]
    assert short in (await client.get(f"/console/audit?actor={admin}")).text
    future = await client.get("/console/audit?from=2999-01-01")
    assert short not in future.text
    assert (await client.get("/console/audit?actor=abc&from=bad&before=-1")).status_code == 200


async def test_publishing_a_notice_keeps_old_versions_and_marks_stale_consents(client):
    await signed_in(client, "admin")
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    form = await client.get("/console/notices/new?audience=candidate&language=en")
    assert form.status_code == 200 and "purpose_m" in form.text
    cand = await Candidate.select().where(Candidate.id == a["candidate_id"]).first()
    assert await stale_consents(cand) == []
    before = await NoticeVersion.count()
    missing = await post_on(
        client,
        "/console/notices/new",
        "/console/notices",
        {"audience": "candidate", "language": "en", "title": "T", "body": "B"},
    )
    assert missing.status_code == 400 and await NoticeVersion.count() == before
    published = await post_on(
        client,
        "/console/notices/new",
        "/console/notices",
        {
            "audience": "candidate",
            "language": "en",
            "title": "Notice v2",
            "body": "Body",
            "purpose_m": "A new text for m.",
            "purpose_n": "A new text for n.",
            "purpose_talent_pool": "Pool.",
            "purpose_marketing": "News.",
        },
    )
    assert published.status_code == 303 and await NoticeVersion.count() == before + 1
    assert sorted(await stale_consents(cand)) == ["m", "n"]
    listing = await client.get("/console/notices")
    assert "Notice v2" in listing.text and "Privacy notice for job candidates" in listing.text


async def test_hr_cannot_publish_notices(client):
    await signed_in(client, "hr")
    home = await client.get("/console")
    from tests.helpers import csrf_from

    response = await client.post(
        "/console/notices",
        data={
            "_csrf_token": csrf_from(home.text),
            "audience": "visitor",
            "language": "en",
            "title": "x",
            "body": "y",
        },
    )
    assert response.status_code == 403


async def test_the_record_of_processing_is_generated_from_settings(client, settings):
    await signed_in(client, "admin")
    page = await client.get("/console/art30")
    assert page.status_code == 200 and settings.company_name in page.text
    md = await client.get("/console/art30.md")
    assert md.headers["content-disposition"].startswith("attachment")
    assert (
        f"{settings.retention.applications_days}" in md.text and "## Security measures" in md.text
    )
    data = json.loads((await client.get("/console/art30.json")).text)
    recruitment = data["activities"][0]
    assert recruitment["retention"]["waiting for consent (days)"] == (
        settings.retention.waiting_consent_days
    )
    assert set(recruitment["consent_choices"]) >= {"m", "n"}
    assert data["supervisory_authority"]["name"] == settings.authority_name
    # Backup retention is a time limit for erasure too (Art. 30(1)(f); issue 18.4).
    assert data["backups"]["kept at most (days)"] == settings.backup_retention_days
