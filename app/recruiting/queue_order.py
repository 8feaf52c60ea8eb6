"""The review queue's orders (issue 17): oldest, newest, stage, average score; each paged by
keyset, forwards for the next page and backwards for the previous applicant.

Every order walks an index from the cursor and stops after `limit` rows, so a page costs the
same at row 100,000 as at row 1 (bench B3):
- oldest and newest walk (position, created_at, id) one way or the other;
- stage walks (position, stage, created_at, id) one stage after another, in pipeline order;
- score starts from the reviewer's own scorecards (a few hundred at most), never from every
  application of the position.

The score order lists only applications the reviewer has scored and whose evaluation the
consents let them see (app.privacy.access.allowed_rows_sql, the SQL form of decide()): a row
placed by a score the reviewer may not see would tell that score by its place, and a score
seen before one's own would anchor it (structured interviewing; see scorecards.py)."""

from datetime import UTC, datetime
from typing import Any, NamedTuple

from app.db import fetch
from app.privacy.access import allowed_rows_sql
from app.recruiting.pipeline import STAGES

SORTS = ("oldest", "newest", "stage", "score")
DEFAULT_SORT = "oldest"  # first come, first read: fair to whoever has waited longest

# The page's columns, with when the row entered its stage and whether the reviewer has
# scored it: correlated lookups on indexed columns for the page's rows only, in the page's
# one statement (two more queries cost a page as much as its SELECT, bench B3).
_COLUMNS = (
    "SELECT a.id, a.created_at, a.updated_at, a.stage, a.restricted, a.objected, "
    "a.score_average, c.id AS candidate_id, c.full_name AS name, c.language, c.consent_m, "
    "c.consent_n, c.consent_version_m, c.consent_version_n, "
    "(SELECT MAX(sc.at) FROM stage_change sc WHERE sc.application = a.id) AS stage_since, "
    "EXISTS (SELECT 1 FROM scorecard own WHERE own.application = a.id AND own.author = ?) "
    "AS scored_by_me "
)
_FROM = "FROM application a JOIN candidate c ON c.id = a.candidate "
# The reviewer's own cards first: the planner starts from scorecard's author index.
_FROM_OWN_CARDS = (
    "FROM scorecard s JOIN application a ON a.id = s.application "
    "JOIN candidate c ON c.id = a.candidate "
)


class Key(NamedTuple):
    """Where a row sits in an order: (stage, created_at, id) or (score, id)."""

    value: Any  # created_at (datetime) or score_average (int)
    id: int
    stage: str = ""


def key_of(sort: str, row: dict[str, Any]) -> Key:
    value = row["score_average"] if sort == "score" else row["created_at"]
    return Key(value, row["id"], row["stage"] if sort == "stage" else "")


def encode_cursor(sort: str, key: Key) -> str:
    value = str(key.value) if sort == "score" else key.value.isoformat()
    return f"{key.stage}|{value}_{key.id}" if sort == "stage" else f"{value}_{key.id}"


def decode_cursor(sort: str, raw: str | None) -> Key | None:
    """A tampered cursor is simply the first page, never an error."""
    if not raw or "_" not in raw:
        return None
    head, _, ident = raw.rpartition("_")
    stage = ""
    if sort == "stage":
        stage, _, head = head.partition("|")
        if stage not in STAGES:
            return None
    try:
        if sort == "score":
            return Key(int(head), int(ident))
        at = datetime.fromisoformat(head)
        return Key(at if at.tzinfo else at.replace(tzinfo=UTC), int(ident), stage)
    except ValueError:
        return None


def _after(column: str, descending: bool, ties_descending: bool) -> str:
    # The plain `>=` (`<=`) bound lets both databases start an index range scan at the cursor
    # (PostgreSQL does not derive it from the OR); the OR then breaks ties by id.
    wide, strict = ("<=", "<") if descending else (">=", ">")
    tie = "<" if ties_descending else ">"
    return f"{column} {wide} ? AND ({column} {strict} ? OR ({column} = ? AND a.id {tie} ?))"


async def _walk(
    reviewer_id: int | None,
    source: str,
    where: str,
    args: list[Any],
    column: str,
    descending: bool,
    after: Key | None,
    limit: int,
    ties_descending: bool | None = None,
) -> list[dict[str, Any]]:
    ties = descending if ties_descending is None else ties_descending
    parts, values = [where], list(args)
    if after is not None:
        parts.append(_after(column, descending, ties))
        values.extend((after.value, after.value, after.value, after.id))
    way, tie_way = ("DESC" if descending else "ASC"), ("DESC" if ties else "ASC")
    sql = (
        f"{_COLUMNS}{source}WHERE {' AND '.join(parts)} "
        f"ORDER BY {column} {way}, a.id {tie_way} LIMIT ?"
    )
    return await fetch(sql, reviewer_id, *values, limit)


async def ordered(
    sort: str,
    where: str,
    args: list[Any],
    after: Key | None,
    limit: int,
    *,
    backwards: bool = False,
    reviewer: tuple[int | None, str] = (None, ""),
) -> list[dict[str, Any]]:
    """Up to `limit` rows strictly after `after` in `sort` (before it when `backwards`),
    among rows matching `where` (the queue's filters). `reviewer` is (staff id, role): the
    score order needs both."""
    if sort == "score":
        staff_id, role = reviewer
        visible, visible_args = allowed_rows_sql(role, "view_evaluation")
        where = f"s.author = ? AND {where} AND a.score_average IS NOT NULL AND {visible}"
        args = [staff_id, *args, *visible_args]
        # Highest first; equal scores oldest application first (fair to who waited longest).
        return await _walk(staff_id, _FROM_OWN_CARDS, where, args, "a.score_average", not backwards,
                           after, limit, ties_descending=backwards)  # fmt: skip
    if sort == "stage":
        return await _by_stage(reviewer[0], where, args, after, limit, backwards)
    descending = (sort == "newest") != backwards
    return await _walk(reviewer[0], _FROM, where, args, "a.created_at", descending, after, limit)


async def in_score_order(reviewer: tuple[int | None, str], application_id: int) -> bool:
    """Is this application one the score order lists for this reviewer? Only then may its
    place there be used (the application page's previous and next): the place of one they
    have not scored, or may not evaluate, would tell its score."""
    staff_id, role = reviewer
    visible, visible_args = allowed_rows_sql(role, "view_evaluation")
    rows = await fetch(
        f"SELECT a.id {_FROM_OWN_CARDS}WHERE s.author = ? AND a.id = ? "
        f"AND a.score_average IS NOT NULL AND {visible}",
        staff_id, application_id, *visible_args,
    )  # fmt: skip
    return bool(rows)


async def _by_stage(
    reviewer_id: int | None,
    where: str,
    args: list[Any],
    after: Key | None,
    limit: int,
    backwards: bool,
) -> list[dict[str, Any]]:
    """One stage after another in pipeline order, oldest first within a stage: each stage an
    index range of its own, so a page costs at most one short query per stage."""
    stages = list(reversed(STAGES) if backwards else STAGES)
    if after is not None:
        stages = stages[stages.index(after.stage) :]
    rows: list[dict[str, Any]] = []
    for stage in stages:
        cursor = after if after is not None and stage == after.stage else None
        rows += await _walk(reviewer_id, _FROM, f"{where} AND a.stage = ?", [*args, stage], "a.created_at",
                            backwards, cursor, limit - len(rows))  # fmt: skip
        if len(rows) >= limit:
            break
    return rows
