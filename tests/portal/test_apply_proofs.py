"""What the apply form proves and refuses: the hash kept with each consent is the hash of the
exact purpose text shown in that notice version and language (GDPR Art. 7(1)), and a form
without its CSRF token writes nothing at all, however complete it is."""

import hashlib
import json

from app.tables import Application, Candidate, ConsentEvent, CVFile, NoticeVersion, OutboxMail
from tests.cv_storage import stored_cv_names
from tests.portal.support import PDF, apply_fields, apply_via_portal, position_slug

DANISH = {"accept-language": "da,en;q=0.5"}


async def test_each_consent_event_hashes_the_exact_purpose_text_shown(client, notices):
    slug = await position_slug()
    client.headers.update(DANISH)
    response = await apply_via_portal(client, slug, consent_m="true", consent_n="true",
                                      talent_pool="true", marketing="true")
    assert response.status_code == 200, response.text[:300]
    shown = await NoticeVersion.select().where(
        (NoticeVersion.audience == "candidate") & (NoticeVersion.language == "da")).first()
    english = await NoticeVersion.select().where(
        (NoticeVersion.audience == "candidate") & (NoticeVersion.language == "en")).first()
    texts = json.loads(shown["purpose_texts"]) if isinstance(shown["purpose_texts"], str) \
        else shown["purpose_texts"]
    other = json.loads(english["purpose_texts"]) if isinstance(english["purpose_texts"], str) \
        else english["purpose_texts"]
    events = await ConsentEvent.select()
    assert sorted(e["purpose"] for e in events) == ["m", "marketing", "n", "talent_pool"]
    for event in events:
        expected = hashlib.sha256(texts[event["purpose"]].encode("utf-8")).hexdigest()
        assert event["notice_version"] == shown["id"] and event["language"] == "da"
        assert event["text_hash"] == expected, event["purpose"]
        # The Danish text, not the English one nor the whole notice's hash.
        assert event["text_hash"] != hashlib.sha256(other[event["purpose"]].encode()).hexdigest()
        assert event["text_hash"] != shown["text_hash"]


async def test_a_complete_application_without_its_token_writes_nothing(client, notices,
                                                                        settings):
    slug = await position_slug()
    page = await client.get(f"/apply/{slug}")
    assert page.status_code == 200 and client.cookies  # the CSRF cookie is set, the field is not
    response = await client.post(f"/apply/{slug}", data=apply_fields(),
                                 files={"cv": ("cv.pdf", PDF)})
    assert response.status_code == 400
    assert "This form had expired" in response.text  # the token refusal, no field error
    assert 'aria-invalid="true"' not in response.text
    assert await Candidate.count() == 0 and await Application.count() == 0
    assert await CVFile.count() == 0 and await ConsentEvent.count() == 0
    assert await OutboxMail.count() == 0
    assert await stored_cv_names() == []
    # The control: the very same fields with the token make an application.
    accepted = await apply_via_portal(client, slug)
    assert accepted.status_code == 200 and await Application.count() == 1
