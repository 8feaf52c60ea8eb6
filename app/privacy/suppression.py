"""Statistical disclosure control for every published table, chart and download (policy: "the
data will be anonymized"; issue 20.4).

Primary suppression: a count from 1 to 4 could point at a person, so it is published as "<5".
Secondary suppression: a hidden count must not be recoverable from the totals and the other
counts published beside it. A table with its row totals, column totals and grand total is the
classic case: the extended table (the totals as one more row and column) has every row and
every column summing to zero (cells minus their total), so the hidden entries left unknown are
exactly the solutions of those equations. In the bipartite graph of rows and columns where
each hidden entry is an edge, the unknowns' free directions are the graph's cycles: a hidden
entry is determined by linear arithmetic exactly when its edge lies on no cycle (a bridge).
So: while a hidden entry is a bridge, hide the cheapest three more entries that close a
rectangle through it (smallest counts first, totals last). Secondary cells are published as
HIDDEN, never as a number; every suppressed bar is drawn at the same height.

A list with only its total (a partition: sources, purposes, days) is the same with one
equation: one hidden entry would be the total minus the others, so a second one is hidden,
with room enough that the ranges of "<5" and HIDDEN pin nothing either (hide_list). Pages
that overlap (a quarter and its months) decide once: app.privacy.statistics_months.

tests/privacy/test_suppression.py attacks the output with exact rational linear algebra."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SMALL = 5
LESS = "<5"  # a count from 1 to 4
HIDDEN = "×"  # hidden so that a small count cannot be worked out (0, or 5 and more)
TOTAL_COST = 1_000_000  # hide a total only when no cell can close the rectangle
# Never hide a 0 to protect another count: a 0 protects nothing. Counts are never negative,
# so a line whose hidden entries add up to 0 (a month still to come, all zeros, total 0) has
# every one of them 0, and the rectangle through the small count falls apart: the quarter's
# "A: <5, 9, HIDDEN, 12" beside a December total of 0 gave the <5 away as 3. A rectangle of
# non-zero entries always exists (the small count's row total, column total and grand total).
ZERO_COST = 10 * TOTAL_COST


def primary(count: int) -> bool:
    return 0 < count < SMALL


def published(count: int, hidden: bool) -> str:
    if not hidden:
        return str(count)
    return LESS if primary(count) else HIDDEN


@dataclass
class Grid:
    """A table with its margins, after suppression: `hidden` holds (row, column) of every
    hidden entry of the extended table, where row len(cells) is the column totals and column
    len(cells[0]) the row totals."""

    cells: list[list[int]]
    hidden: set[tuple[int, int]] = field(default_factory=set)
    row_totals: list[int] = field(default_factory=list)
    column_totals: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.row_totals = [sum(r) for r in self.cells]
        self.column_totals = [sum(c) for c in zip(*self.cells, strict=True)] if self.cells else []

    @property
    def rows(self) -> int:
        return len(self.cells)

    @property
    def columns(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def value(self, row: int, column: int) -> int:
        if row < self.rows and column < self.columns:
            return self.cells[row][column]
        if row < self.rows:
            return self.row_totals[row]
        if column < self.columns:
            return self.column_totals[column]
        return sum(self.row_totals)

    def shown(self, row: int, column: int) -> str:
        return published(self.value(row, column), (row, column) in self.hidden)


def suppress_grid(cells: Sequence[Sequence[int]]) -> Grid:
    """Primary and secondary suppression of a table published with its row totals, column
    totals and grand total."""
    grid = Grid([list(r) for r in cells])
    if not grid.rows or not grid.columns:
        return grid
    rows, columns = range(grid.rows + 1), range(grid.columns + 1)
    grid.hidden = {(i, j) for i in rows for j in columns if primary(grid.value(i, j))}
    costs = [[_cost(grid, (i, j)) for j in columns] for i in rows]
    # Each pass closes a rectangle through every bridge it found, cheapest first; the next
    # pass checks again (a rectangle may leave another entry on no cycle).
    while bridges := _bridges(grid.hidden, grid.rows + 1):
        for i, j in sorted(bridges, key=lambda e: grid.value(*e)):
            for k, m in _cheapest_rectangle(costs, i, j):
                grid.hidden.add((k, m))
                costs[k][m] = 0
    return grid


def _cost(grid: Grid, cell: tuple[int, int]) -> int:
    """What hiding the entry loses: its count (small counts first), totals later, 0 never
    (unless nothing else could close the rectangle)."""
    if cell in grid.hidden:
        return 0
    if grid.value(*cell) == 0:
        return ZERO_COST
    total = cell[0] == grid.rows or cell[1] == grid.columns
    return grid.value(*cell) + 1 + (TOTAL_COST if total else 0)


CANDIDATES = 12  # rows and columns tried per rectangle: the cheapest corners beside the entry


def _cheapest_rectangle(costs: list[list[int]], i: int, j: int) -> list[tuple[int, int]]:
    """The corners (i, m), (k, j), (k, m) to hide that cost least, searched among the
    cheapest rows k beside (i, j) in its column and columns m beside it in its row (a full
    search of a 200 x 13 table for each entry took most of the page's time). The totals'
    row and column are always tried: through them a rectangle of non-zero entries exists."""
    last_row, last_column = len(costs) - 1, len(costs[0]) - 1
    rows = sorted((costs[k][j], k) for k in range(len(costs)) if k != i)[:CANDIDATES]
    columns = sorted((costs[i][m], m) for m in range(len(costs[0])) if m != j)[:CANDIDATES]
    if i != last_row and all(k != last_row for _c, k in rows):
        rows.append((costs[last_row][j], last_row))
    if j != last_column and all(m != last_column for _c, m in columns):
        columns.append((costs[i][last_column], last_column))
    best_cost, best = -1, (0, 0)
    for row_cost, k in rows:
        for column_cost, m in columns:
            cost = row_cost + column_cost + costs[k][m]
            if best_cost < 0 or cost < best_cost:
                best_cost, best = cost, (k, m)
    k, m = best
    return [corner for corner in ((i, m), (k, j), (k, m)) if costs[corner[0]][corner[1]]]


def _bridges(edges: set[tuple[int, int]], rows: int) -> set[tuple[int, int]]:
    """The hidden entries on no cycle of the row-column graph (Tarjan's bridges, iterative).
    Node r is row r; node rows + c is column c."""
    adjacent: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for i, j in edges:
        adjacent.setdefault(i, []).append((rows + j, (i, j)))
        adjacent.setdefault(rows + j, []).append((i, (i, j)))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: set[tuple[int, int]] = set()
    for root in adjacent:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[int, tuple[int, int] | None, Any]] = [(root, None, iter(adjacent[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            step = next(neighbours, None)
            if step is None:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(via)
                continue
            target, edge = step
            if edge == via:
                continue
            if target in order:
                low[node] = min(low[node], order[target])
            else:
                order[target] = low[target] = len(order)
                stack.append((target, edge, iter(adjacent[target])))
    return found


# A count hidden to protect a small one is best 8 or more: it can take up the small count's
# whole range (1 to 4) and still be 5 or more, so "<5" tells the reader nothing more. With
# 5 to 7 a reader who knows that HIDDEN means 0 or 5 and more can narrow it, and with 5 pin
# it: published "HIDDEN, <5, total 6" could only be 5 and 1 (statistics review).
ROOMY = SMALL + 3


def hide_list(counts: Sequence[int], total_hidden: bool | None = None) -> tuple[set[int], bool]:
    """Which counts of a list published with its total (the sum) to hide, and whether to hide
    the total. Every small count is hidden; then the smallest counts of 8 or more (then of 5
    or more) join them until each small count could be any of 1 to 4, whatever a reader
    reasons from the total and the ranges of "<5" (1-4) and HIDDEN (5 or more). A 0 is never
    hidden to protect another (it protects nothing). Where no count can, the total is hidden
    (no equation is left). `total_hidden` carries the decision made for the same total in
    another table."""
    hidden = {i for i, c in enumerate(counts) if primary(c)}
    if total_hidden is None:
        total_hidden = primary(sum(counts))
    if total_hidden and not hidden:  # hidden for another table: not to be read off this one
        others = [(c, i) for i, c in enumerate(counts) if c]
        return ({min(others)[1]}, True) if others else (set(), False)  # a 0 hides nothing
    if total_hidden or not hidden:
        return hidden, total_hidden
    spare = sorted((c < ROOMY, c, i) for i, c in enumerate(counts) if c >= SMALL)
    while not _every_small_count_free(counts, hidden):
        if not spare:  # the total hidden instead: the small counts need no partner then
            return {i for i in hidden if primary(counts[i])}, True
        hidden.add(spare.pop(0)[2])
    return hidden, False


def _every_small_count_free(counts: Sequence[int], hidden: set[int]) -> bool:
    """Whether, with the hidden counts' sum fixed (total minus the shown ones), each hidden
    small count could be two values or more: the others hidden can give up or take what it
    moves, staying within their own ranges (small ones 1-4, the others 5 or more)."""
    small = [counts[i] for i in hidden if primary(counts[i])]
    partners = sum(1 for i in hidden if not primary(counts[i]))
    # Each count's room, summed once (a page's 200 positions made this quadratic: bench B7).
    give_all = sum(c - 1 for c in small) + sum(
        counts[i] - SMALL for i in hidden if not primary(counts[i])
    )
    take_all = sum(SMALL - 1 - c for c in small)
    for c in small:
        give = give_all - (c - 1)  # what the others can give up: it can go up by this
        take = float("inf") if partners else take_all - (SMALL - 1 - c)
        if min(SMALL - 1, c + give) - max(1, c - take) < 1:
            return False
    return True


def suppress_list(counts: Sequence[int], total_hidden: bool | None = None) -> tuple[list[str], str]:
    """A list of counts published with its total: the published strings of each, and of the
    total (see hide_list)."""
    hidden, total_hidden = hide_list(counts, total_hidden)
    shown = [published(c, i in hidden) for i, c in enumerate(counts)]
    return shown, published(sum(counts), total_hidden)
