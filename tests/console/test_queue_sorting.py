"""The queue's orders (issue 17): newest, oldest, stage and average score, each paged by keyset;
stage tabs with counts; days in stage; previous and next within the queue's filter and order.
The score order and column never tell a score the reviewer may not see."""

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.privacy.audit import Actor
from app.recruiting import review, scorecards
from app.recruiting.pipeline import STAGES
from app.tables import Application, StageChange
from tests.console.support import signed_in
from tests.factories import consenting_application, criteria, open_position, set_consent


async def _applications(pid: int, n: int) -> list[dict]:
    start = utcnow() - timedelta(days=30)
    made = []
    for i in range(n):
        # Pairs share a timestamp, so the id must break ties in every order.
        made.append(
            await consenting_application(
                pid, f"Applicant {i:02}", created_at=start + timedelta(hours=i // 2), cv=None
            )
        )
    return made  # fmt: skip


async def _page_through(actor: Actor, pid: int, f: review.QueueFilter) -> list[review.QueueRow]:
    seen: list[review.QueueRow] = []
    cursor = None
    while True:
        rows, cursor = await review.queue(
            actor, pid, f, review.decode_cursor(cursor, f.order), utcnow(), limit=3
        )
        seen += rows
        if cursor is None:
            return seen


@pytest.mark.parametrize("sort", ["oldest", "newest", "stage"])
async def test_every_order_pages_through_every_row_once(sort):
    pid = await open_position()
    made = await _applications(pid, 11)
    for i, a in enumerate(made):  # spread over stages, not in creation order
        stage = STAGES[(i * 3) % 5]
        await Application.update({Application.stage: stage}).where(
            Application.id == a["application_id"]
        )
    hr = Actor(kind="staff", id=None, role="hr")
    rows = await _page_through(hr, pid, review.QueueFilter(sort=sort))
    assert len(rows) == len({r.id for r in rows}) == 11
    keys = [(r.created_at, r.id) for r in rows]
    if sort == "oldest":
        assert keys == sorted(keys)
    elif sort == "newest":
        assert keys == sorted(keys, reverse=True)
    else:
        staged = [(STAGES.index(r.stage), r.created_at, r.id) for r in rows]
        assert staged == sorted(staged)


async def test_score_order_lists_only_own_scored_rows_whose_evaluation_may_be_seen():
    pid = await open_position()
    made = await _applications(pid, 7)
    c1, c2 = await criteria(pid)
    from tests.factories import staff_member

    me = Actor(kind="staff", id=(await staff_member("hr", "me@example.org"))[0], role="hr")
    other = Actor(kind="staff", id=(await staff_member("hr", "other@example.org"))[0], role="hr")
    scores = [("4", "4"), ("2", "1"), ("3", "3"), ("1", "1"), ("4", "3"), ("3", "3")]
    for a, (s1, s2) in zip(made, scores, strict=False):
        await scorecards.submit(me, a["application_id"], pid, {c1: (s1, ""), c2: (s2, "")},
                                utcnow())  # fmt: skip
    # Scored by a colleague only: its place would tell their score.
    await scorecards.submit(other, made[6]["application_id"], pid, {c1: ("4", ""), c2: ("4", "")},
                            utcnow())  # fmt: skip
    # Without n, restricted: left out of the order, whatever their score.
    await set_consent(made[0]["candidate_id"], made[0]["candidate_uid"], "n", False)
    await Application.update({Application.restricted: True}).where(
        Application.id == made[4]["application_id"]
    )
    rows = await _page_through(me, pid, review.QueueFilter(sort="score"))
    names = [r.name for r in rows]
    assert names == ["Applicant 02", "Applicant 05", "Applicant 01", "Applicant 03"]
    assert [r.score_average for r in rows] == [300, 300, 150, 100]
    assert all(r.score_shown for r in rows)
    # The plain orders list them all, with the score hidden where it may not be seen.
    everyone = {r.name: r for r in await _page_through(me, pid, review.QueueFilter())}
    assert len(everyone) == 7
    for hidden in ("Applicant 00", "Applicant 04", "Applicant 06"):
        assert everyone[hidden].score_average is None and not everyone[hidden].score_shown
    # Nor does the application page place them in the score order (previous/next).
    by_score = review.QueueFilter(sort="score")
    for hidden in (made[0], made[4], made[6]):
        assert await review.neighbours(me, pid, by_score, hidden["application_id"]) == (None, None)
    ids = [made[i]["application_id"] for i in (2, 5, 1, 3)]
    assert await review.neighbours(me, pid, by_score, ids[1]) == (ids[0], ids[2])


async def test_neighbours_follow_the_filter_and_the_order():
    pid = await open_position()
    made = await _applications(pid, 6)
    ids = [a["application_id"] for a in made]
    for i in (1, 3, 4):
        await Application.update({Application.stage: "screening"}).where(Application.id == ids[i])
    hr = Actor(kind="staff", id=None, role="hr")
    newest = review.QueueFilter(sort="newest")
    assert await review.neighbours(hr, pid, newest, ids[2]) == (ids[3], ids[1])
    assert await review.neighbours(hr, pid, newest, ids[5]) == (None, ids[4])
    screening = review.QueueFilter(stage="screening")
    assert await review.neighbours(hr, pid, screening, ids[3]) == (ids[1], ids[4])
    assert await review.neighbours(hr, pid, screening, ids[4]) == (ids[3], None)
    staged = review.QueueFilter(sort="stage")  # received 0,2,5 then screening 1,3,4
    assert await review.neighbours(hr, pid, staged, ids[5]) == (ids[2], ids[1])
    assert await review.neighbours(hr, pid, staged, ids[1]) == (ids[5], ids[3])


async def test_the_page_has_tabs_with_counts_days_in_stage_and_links_that_keep_the_query(client):
    await signed_in(client, "hr")
    pid = await open_position()
    made = await _applications(pid, 4)
    moved_at = utcnow() - timedelta(days=3)
    await Application.update({Application.stage: "screening"}).where(
        Application.id == made[0]["application_id"]
    )
    await StageChange.insert(StageChange(application=made[0]["application_id"],
                                         from_stage="received", to_stage="screening",
                                         at=moved_at))  # fmt: skip
    base = f"/console/positions/{pid}/applications"
    page = (await client.get(base + "?sort=newest")).text
    assert '>All <span class="count">4</span>' in page
    assert "stage=screening" in page and '<span class="count">1</span>' in page
    row = page.split("Applicant 00")[1].split("</tr>")[0]
    assert '<td class="number">3</td>' in row  # three days in screening
    assert f'href="{base}/{made[1]["application_id"]}?sort=newest"' in page
    assert 'src="/static/review-keys.js"' in page and "Keyboard shortcuts" in page
    # The m and n badges are explained on the page, in Danish too.
    assert 'id="consent-legend"' in page and "lets HR read their CV" in page
    danish = (await client.get(base + "?sort=newest&lang=da")).text
    assert "lader HR læse sit CV" in danish
    tab = (await client.get(base + "?sort=newest&stage=received")).text
    assert "Applicant 00" not in tab and "Applicant 03" in tab
    one = await client.get(f"{base}/{made[2]['application_id']}?sort=newest&stage=received")
    assert (
        f'rel="next" href="{base}/{made[1]["application_id"]}?sort=newest&amp;stage=received"'
        in one.text
    )
    assert (
        f'rel="prev" href="{base}/{made[3]["application_id"]}?sort=newest&amp;stage=received"'
        in one.text
    )
    script = await client.get("/static/review-keys.js")
    assert script.status_code == 200 and "keydown" in script.text


async def test_acting_on_an_application_keeps_the_queue_it_was_opened_from(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    page = f"/console/positions/{pid}/applications/{a['application_id']}?sort=newest&stage=received"
    shown = await client.get(page)
    assert (
        'action="' + page.split("?")[0] + '/comment?sort=newest&amp;stage=received"' in shown.text
    )
    from tests.helpers import csrf_from

    done = await client.post(
        page.replace("?", "/comment?"),
        data={"body": "Fine", "_csrf_token": csrf_from(shown.text)},
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith("?done=comment&sort=newest&stage=received")
