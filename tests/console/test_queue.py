"""The review queue: keyset pagination, filters, name search among what the reviewer may see,
consent badges and stale-consent badges."""

from datetime import timedelta

from app.clock import utcnow
from app.privacy.audit import Actor
from app.privacy.notices import current_notice, publish
from app.recruiting.review import QueueFilter, decode_cursor, queue
from tests.console.support import signed_in
from tests.factories import consenting_application, open_position

HR = Actor(kind="staff", id=None, role="hr")


async def test_keyset_pages_return_every_row_once_in_order_under_inserts():
    pid = await open_position()
    start = utcnow() - timedelta(days=10)
    for i in range(23):
        # Some share a timestamp, so the id must break ties.
        await consenting_application(
            pid, f"Early {i}", created_at=start + timedelta(hours=i // 3), cv=None
        )
    seen: list[int] = []
    order: list[tuple] = []
    cursor = None
    added = 0
    while True:
        rows, next_cursor = await queue(
            HR, pid, QueueFilter(), decode_cursor(cursor), utcnow(), limit=5
        )
        seen += [r.id for r in rows]
        order += [(r.created_at, r.id) for r in rows]
        if added < 4:  # a new application arrives while the reviewer pages through
            await consenting_application(pid, f"Late {added}", cv=None)
            added += 1
        if next_cursor is None:
            break
        cursor = next_cursor
    assert len(seen) == len(set(seen)) == 23 + 4
    assert order == sorted(order)


async def test_filters_and_name_search():
    pid = await open_position()
    other = await open_position("Elsewhere")
    await consenting_application(pid, "Bo Both", cv=None)
    await consenting_application(pid, "Mia Monly", n=False, cv=None)
    await consenting_application(pid, "Wes Waiting", m=False, n=False, cv=None)
    await consenting_application(other, "Bo Elsewhere", cv=None)

    async def names(**kw) -> set[str]:
        rows, _ = await queue(HR, pid, QueueFilter(**kw), None, utcnow())
        return {r.name for r in rows}

    assert await names() == {"Bo Both", "Mia Monly", "Wes Waiting"}
    assert await names(consent="none") == {"Wes Waiting"}
    assert await names(consent="both") == {"Bo Both"}
    assert await names(consent="m") == {"Bo Both", "Mia Monly"}
    assert await names(name="bo") == {"Bo Both"}  # not the other position's Bo
    assert await names(name="%") == {"Bo Both", "Mia Monly", "Wes Waiting"}
    assert await names(stage="interview") == set()
    tomorrow = (utcnow() + timedelta(days=1)).date()
    assert await names(received_from=tomorrow) == set()


async def test_reception_gets_no_queue_and_bad_query_values_are_ignored(client):
    pid = await open_position()
    await consenting_application(pid, "Rita Reception-Proof", cv=None)
    await signed_in(client, "reception")
    refused = await client.get(f"/console/positions/{pid}/applications")
    assert refused.status_code == 403 and "Rita" not in refused.text
    client.cookies.clear()
    await signed_in(client, "hr")
    page = await client.get(
        f"/console/positions/{pid}/applications"
        "?stage=x&consent=zz&from=notadate&after=garbage_1_x&name=%25"
    )
    assert page.status_code == 200 and "Rita Reception-Proof" in page.text
    assert (await client.get("/console/positions/999999/applications")).status_code == 404


async def test_consents_given_under_an_old_purpose_text_are_flagged(client):
    pid = await open_position()
    a = await consenting_application(pid, "Olga Oldtext", cv=None)
    old = await current_notice("candidate", "en")
    assert old is not None
    await signed_in(client, "hr")
    page = await client.get(f"/console/positions/{pid}/applications")
    assert "on an old notice" not in page.text
    texts = {**old.purpose_texts, "n": old.purpose_texts["n"] + " Including video interviews."}
    await publish("candidate", "en", old.title, old.summary, old.body, texts, utcnow())
    page = await client.get(f"/console/positions/{pid}/applications")
    assert "n on an old notice" in page.text and "m on an old notice" not in page.text
    detail = await client.get(f"/console/positions/{pid}/applications/{a['application_id']}")
    assert "n on an old notice" in detail.text
