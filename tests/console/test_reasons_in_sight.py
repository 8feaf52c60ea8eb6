"""Reasons in sight (issue 17 point 7): where consent m or n is missing, restricted or objected,
the application page says why in the section's place (decide()'s reason), in English and
Danish; a consent given under an older notice text says which one."""

import re
from html import unescape

import pytest

from app.clock import utcnow
from app.privacy.notices import current_notice, publish
from app.tables import Application
from tests.console.support import signed_in
from tests.factories import consenting_application, open_position

NO_M = ("The candidate has not consented to purpose m (background).",
        "Ansøgeren har ikke givet samtykke til formål m (baggrund).")  # fmt: skip
NO_N = ("The candidate has not consented to purpose n (evaluation).",
        "Ansøgeren har ikke givet samtykke til formål n (vurdering).")  # fmt: skip
RESTRICTED = ("The candidate has restricted the processing of this application.",
              "Ansøgeren har begrænset behandlingen af denne ansøgning.")  # fmt: skip
OBJECTED = ("The candidate has objected; processing waits for our answer.",
            "Ansøgeren har gjort indsigelse; behandlingen venter på vores svar.")  # fmt: skip
WITHDRAWN = ("The candidate has withdrawn this application.",
             "Ansøgeren har trukket ansøgningen tilbage.")  # fmt: skip


def _reasons(html: str) -> list[str]:
    """Every reason the page states, in order."""
    return [unescape(r) for r in re.findall(r'class="reason" role="status">(.*?)</', html, re.S)]


def _card(html: str, section: str) -> str | None:
    found = re.search(rf'<section class="card refused[^"]*" id="{section}-refused">(.*?)</section>',
                      html, re.S)  # fmt: skip
    return found[1] if found else None


async def _page(client, a: dict, pid: int, lang: str) -> str:  # type: ignore[no-untyped-def]
    page = await client.get(
        f"/console/positions/{pid}/applications/{a['application_id']}?lang={lang}"
    )
    assert page.status_code == 200
    return page.text


SECTIONS = ("background", "scorecard", "evaluation", "contact")


@pytest.mark.parametrize(("lang", "i"), [("en", 0), ("da", 1)])
@pytest.mark.parametrize(
    ("case", "hidden", "said", "home"),
    [
        # (which sections are hidden, the reasons said once each, where each is said)
        ("only n", {"background"}, [NO_M], ["background-refused"]),
        ("only m", {"scorecard", "evaluation", "contact"}, [NO_N], ["scorecard-refused"]),
        ("neither", set(SECTIONS), [], []),  # the summary's "waiting for consent" says it
        ("restricted", set(SECTIONS), [RESTRICTED], ["page-reason"]),
        ("objected", set(SECTIONS), [OBJECTED], ["page-reason"]),
        ("withdrawn", set(SECTIONS), [WITHDRAWN], ["page-reason"]),
    ],
)
async def test_each_reason_is_said_once_and_the_other_sections_point_to_it(
    client, case, hidden, said, home, lang, i
):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(
        pid, m=case not in ("only n", "neither"), n=case not in ("only m", "neither")
    )
    change = {"restricted": {Application.restricted: True},
              "objected": {Application.objected: True},
              "withdrawn": {Application.stage: "withdrawn"}}.get(case)  # fmt: skip
    if change:
        await Application.update(change).where(Application.id == a["application_id"])
    html = await _page(client, a, pid, lang)
    assert _reasons(html) == [r[i] for r in said]  # each reason once, in the reader's language
    for reason, anchor in zip(said, home, strict=True):
        where = re.search(rf'id="{anchor}"[^>]*>(.*?)</(section|p)>', html, re.S)
        assert where and reason[i] in unescape(where[1])
    if case == "neither":
        assert re.search(r'<p class="warning" id="page-reason">', html)
    for section in SECTIONS:
        card = _card(html, section)
        if section not in hidden:
            assert card is None and f'id="{section}"' in html
            continue
        assert card is not None and f'id="{section}"' not in html  # never an empty space
        if f"{section}-refused" not in home:
            assert 'class="reason"' not in card
            pointer = re.search(r'<a href="#([a-z-]+)">', card)
            assert pointer and pointer[1] in (*home, "page-reason"), card


async def test_the_first_card_names_the_other_sections_it_stands_for(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, m=True, n=False)
    english = _card(await _page(client, a, pid, "en"), "scorecard")
    assert english and "these are not shown either: Evaluation, Messages and interviews." in english
    danish = _card(await _page(client, a, pid, "da"), "scorecard")
    assert danish and "heller ikke: Vurdering, Beskeder og samtaler." in unescape(danish)


async def test_a_consent_under_an_older_notice_says_which_one(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, m=True, n=False)
    old = await current_notice("candidate", "en")
    texts = {**old.purpose_texts, "m": "HR may also read the portfolio I link to."}
    new = await publish("candidate", "en", old.title, old.summary, old.body, texts, utcnow())
    assert (old.version, new.version) == (1, 2)
    english = await _page(client, a, pid, "en")
    note = re.search(r'id="older-notice-m">(.*?)</p>', english, re.S)
    assert note, "the background section should name the older notice"
    assert "Consent to m was given under notice version 1 (English)" in note[1]
    assert "the current version is 2." in note[1]
    assert 'id="older-notice-n"' not in english  # n was never given: no older text to name
    danish = await _page(client, a, pid, "da")
    assert "Samtykke til m blev givet under meddelelsens version 1" in danish
    assert "den gældende version er 2" in danish


async def test_the_audit_line_names_only_the_sections_shown(client):
    from app.tables import AuditEvent

    await signed_in(client, "hr")
    pid = await open_position()
    only_m = await consenting_application(pid, "Mona M", n=False)
    only_n = await consenting_application(pid, "Nils N", m=False)
    for a in (only_m, only_n):
        await _page(client, a, pid, "en")
    viewed = await AuditEvent.select(AuditEvent.subject_ref, AuditEvent.reason).where(
        AuditEvent.action == "application_viewed"
    )
    shown = {r["subject_ref"]: set(r["reason"].split(",")) for r in viewed}
    assert {"summary", "background"} <= shown[only_m["candidate_uid"]]
    assert "evaluation" not in shown[only_m["candidate_uid"]]
    assert {"summary", "evaluation"} <= shown[only_n["candidate_uid"]]
    assert "background" not in shown[only_n["candidate_uid"]]
