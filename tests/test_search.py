"""Searching by a part of a name ignores case in every alphabet, on both databases (SQLite's
own LIKE folds ASCII letters only: "ørsted" missed "Ørsted")."""

import pytest

from app.clock import utcnow
from app.privacy.audit import Actor
from app.privacy.notices import current_notice
from app.recruiting.review import QueueFilter, queue
from app.visits import visits
from app.visits.on_site import visit_log
from tests.factories import consenting_application, host, open_position
from tests.visits.test_services import sign_in_form


async def _visitors(search: str) -> set[str]:
    reception = Actor(kind="staff", id=1, role="admin")  # every site
    return {row["visitor_name"] for row in await visit_log(reception, utcnow(), search)}


async def test_the_visit_log_finds_names_in_any_case_and_alphabet(notices):
    notice = await current_notice("visitor", "en")
    søren = await host(name="Søren Åkesson", email="soren@example.org")
    for name, company in (("Ørsted Ærø", "Æble ApS"), ("Ann Visitor", "ACME"),
                          ("Star *Gazer", "50% Off [Ltd]")):
        await visits.sign_in(sign_in_form(søren, notice.id, visitor_name=name, company=company),
                             None, utcnow())
    everyone = {"Ørsted Ærø", "Ann Visitor", "Star *Gazer"}
    assert await _visitors("ørsted") == {"Ørsted Ærø"}
    assert await _visitors("ÆRØ") == {"Ørsted Ærø"}
    assert await _visitors("æble") == {"Ørsted Ærø"}  # the company
    assert await _visitors("acme") == {"Ann Visitor"}
    assert await _visitors("SØREN åkesson") == everyone  # the host
    assert await _visitors("  ann  ") == {"Ann Visitor"}
    assert await _visitors("zzz") == set()


@pytest.mark.parametrize(("typed", "found"), [
    ("*", {"Star *Gazer"}),  # a wildcard in SQLite's GLOB, plain text here
    ("?", set()),
    ("[ltd]", {"Star *Gazer"}),
    ("[", {"Star *Gazer"}),
    ("%", {"Ørsted Ærø", "Ann Visitor", "Star *Gazer"}),  # LIKE's wildcards are dropped
    ("_", {"Ørsted Ærø", "Ann Visitor", "Star *Gazer"}),
])
async def test_what_is_typed_is_text_not_a_pattern(notices, typed, found):
    notice = await current_notice("visitor", "en")
    hanne = await host()
    for name, company in (("Ørsted Ærø", "Æble ApS"), ("Ann Visitor", "ACME"),
                          ("Star *Gazer", "50% Off [Ltd]")):
        await visits.sign_in(sign_in_form(hanne, notice.id, visitor_name=name, company=company),
                             None, utcnow())
    assert await _visitors(typed) == found


async def test_the_review_queue_finds_names_in_any_case_and_alphabet():
    pid = await open_position()
    for name in ("Åse Ørnsholt", "Bo Both"):
        await consenting_application(pid, name, cv=None)

    async def names(typed: str) -> set[str]:
        rows, _ = await queue(Actor(kind="staff", id=None, role="hr"), pid,
                              QueueFilter(name=typed), None, utcnow())
        return {r.name for r in rows}

    assert await names("åse ørn") == {"Åse Ørnsholt"}
    assert await names("ÅSE") == {"Åse Ørnsholt"}
    assert await names("bo") == {"Bo Both"}
