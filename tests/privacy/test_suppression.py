"""Secondary suppression (issue 20.4): random tables are suppressed, then attacked. The
attacker knows every published number and every linear relation between them (each row and
column sums to its total, the totals to the grand total) and solves for the hidden entries
with exact rational linear algebra: an entry is recovered when the published equations fix
its value. Not one may be."""

from collections.abc import Hashable
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.privacy.suppression import HIDDEN, LESS, SMALL, suppress_grid, suppress_list

Equation = dict[Hashable, int]  # item -> coefficient; the items sum to zero


def recoverable(
    equations: list[Equation], known: dict[Hashable, int], hidden: list[Hashable]
) -> set[Hashable]:
    """The hidden items whose value the equations fix, whatever the others are: reduce the
    system over the unknowns to row echelon form (Fractions, exact); an unknown is fixed when
    it is a pivot whose row has no free unknown left."""
    index = {item: n for n, item in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for equation in equations:
        row = [Fraction(0)] * (len(hidden) + 1)
        for item, coefficient in equation.items():
            if item in index:
                row[index[item]] += coefficient
            else:
                row[-1] -= coefficient * known[item]
        rows.append(row)
    pivots: list[int] = []
    r = 0
    for column in range(len(hidden)):
        pivot = next((k for k in range(r, len(rows)) if rows[k][column] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][column]
        rows[r] = [v / lead for v in rows[r]]
        for k in range(len(rows)):
            if k != r and rows[k][column] != 0:
                factor = rows[k][column]
                rows[k] = [a - factor * b for a, b in zip(rows[k], rows[r], strict=True)]
        pivots.append(column)
        r += 1
    free = set(range(len(hidden))) - set(pivots)
    fixed = set()
    for row_number, column in enumerate(pivots):
        if all(rows[row_number][f] == 0 for f in free):
            fixed.add(hidden[column])
    return fixed


def grid_equations(rows: int, columns: int) -> list[Equation]:
    """Extended table: row `rows` holds the column totals, column `columns` the row totals."""
    equations: list[Equation] = []
    for i in range(rows + 1):
        eq: Equation = {(i, j): 1 for j in range(columns)}
        eq[(i, columns)] = -1
        equations.append(eq)
    for j in range(columns + 1):
        eq = {(i, j): 1 for i in range(rows)}
        eq[(rows, j)] = -1
        equations.append(eq)
    return equations


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 6).flatmap(lambda c: st.lists(st.lists(counts, min_size=c, max_size=c),
                                                     min_size=1, max_size=7)))
def test_no_hidden_entry_of_a_table_with_totals_can_be_worked_out(cells):
    grid = suppress_grid(cells)
    extent = [(i, j) for i in range(grid.rows + 1) for j in range(grid.columns + 1)]
    shown = {e: grid.shown(*e) for e in extent}
    for e, text in shown.items():  # small counts never show; shown counts are the truth
        value = grid.value(*e)
        if 0 < value < SMALL:
            assert text == LESS
        assert text in (LESS, HIDDEN) or int(text) == value
    hidden = [e for e in extent if shown[e] in (LESS, HIDDEN)]
    known = {e: int(t) for e, t in shown.items() if t not in (LESS, HIDDEN)}
    assert recoverable(grid_equations(grid.rows, grid.columns), known, hidden) == set()


@settings(max_examples=400, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12), st.sampled_from([None, True]))
def test_no_hidden_entry_of_a_list_with_its_total_can_be_worked_out(values, total_hidden):
    cells, total = suppress_list(values, total_hidden)
    items = [*range(len(values)), "total"]
    shown = dict(zip(items, [*cells, total], strict=True))
    for item, text in shown.items():
        value = sum(values) if item == "total" else values[item]
        assert (text == LESS) is (0 < value < SMALL) or text == HIDDEN
        assert text in (LESS, HIDDEN) or int(text) == value
    hidden = [i for i in items if shown[i] in (LESS, HIDDEN)]
    known = {i: int(t) for i, t in shown.items() if t not in (LESS, HIDDEN)}
    equation: Equation = {i: 1 for i in range(len(values))} | {"total": -1}
    assert recoverable([equation], known, hidden) == set()


def test_the_attacker_does_recover_what_plain_primary_suppression_leaves():
    """The attack works: hiding only the small count of a row lets the total give it away."""
    cells = [[3, 10], [20, 30]]
    known = {(0, 1): 10, (0, 2): 13, (1, 0): 20, (1, 1): 30, (1, 2): 50,
             (2, 0): 23, (2, 1): 40, (2, 2): 63}
    assert recoverable(grid_equations(2, 2), known, [(0, 0)]) == {(0, 0)}
    grid = suppress_grid(cells)
    assert grid.shown(0, 0) == LESS and len(grid.hidden) >= 4


def test_a_month_still_to_come_never_protects_a_small_count():
    """Counts are never negative, so a line whose total is 0 has every entry 0, hidden or
    not: the quarter's rectangle through October's 3 ran through December (all zeros, a month
    still to come) and published 'A: <5, 9, HIDDEN, 12' beside a December total of 0, so the
    attacker read HIDDEN = 0 and <5 = 12 - 9 = 3."""
    cells = [[3, 9, 0], [20, 30, 0]]  # October, November, December of two positions
    grid = suppress_grid(cells)
    assert grid.shown(0, 0) == LESS
    assert [e for e in grid.hidden if grid.value(*e) == 0] == []
    # The attacker's zeros: every entry of a line published with a total of 0 is 0.
    extent = [(i, j) for i in range(3) for j in range(4)]
    shown = {e: grid.shown(*e) for e in extent}
    known = {e: int(t) for e, t in shown.items() if t not in (LESS, HIDDEN)}
    for j in range(3):
        if known.get((2, j)) == 0:
            known.update({(i, j): 0 for i in range(2)})
    hidden = [e for e in extent if e not in known]
    assert recoverable(grid_equations(2, 3), known, hidden) == set()


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6).flatmap(lambda c: st.lists(st.lists(counts, min_size=c, max_size=c),
                                                     min_size=1, max_size=7)))
def test_a_count_hidden_to_protect_another_is_never_0(cells):
    """A hidden 0 protects nothing: where the other hidden entries of its line add up to 0,
    it is known to be 0 and the rectangle through the small count falls apart."""
    grid = suppress_grid(cells)
    assert [e for e in grid.hidden if grid.value(*e) == 0] == []


def _possible(shown: list[str], total: int) -> list[tuple[int, ...]]:
    """Every set of values a reader could put behind a published list whose total is shown:
    "<5" is 1 to 4, HIDDEN is 0 or 5 and more, the rest as printed."""
    free = [i for i, t in enumerate(shown) if t in (LESS, HIDDEN)]
    rest = total - sum(int(t) for t in shown if t not in (LESS, HIDDEN))
    found: list[tuple[int, ...]] = []

    def walk(k: int, left: int, chosen: tuple[int, ...]) -> None:
        if k == len(free):
            if left == 0:
                found.append(chosen)
            return
        small = shown[free[k]] == LESS
        for v in range(1, 5) if small else [0, *range(SMALL, left + 1)]:
            if v <= left:
                walk(k + 1, left - v, (*chosen, v))

    walk(0, rest, ())
    return found


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 9), st.integers(0, 25)), min_size=1, max_size=6))
def test_a_reader_who_knows_the_ranges_cannot_work_out_a_small_count(values):
    """"HIDDEN, <5, total 6" could only be 5 and 1 (statistics review): a hidden partner of 5
    left no room. Now no small count of a list published with its total can be worked out
    reasoning from the total and the ranges: each could be two values or more."""
    cells, total = suppress_list(values)
    if total in (LESS, HIDDEN):
        return  # no equation: each hidden count is anything in its range
    free = [i for i, c in enumerate(cells) if c in (LESS, HIDDEN)]
    small = [k for k, i in enumerate(free) if cells[i] == LESS]
    worlds = _possible(cells, int(total))
    for k in small:
        assert len({w[k] for w in worlds}) >= 2, (values, cells, total)
