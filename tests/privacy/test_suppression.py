"""Secondary suppression (issue 20.4): random tables are suppressed, then attacked. The
attacker knows every published number and every linear relation between them (each row and
column sums to its total, the totals to the grand total) and solves for the hidden entries
with exact rational linear algebra: an entry is recovered when the published equations fix
its value. Not one may be."""

from collections.abc import Hashable
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.privacy.suppression import HIDDEN, LESS, SMALL, suppress_list

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


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


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
    """The attack works: hiding only the small count of a list lets the total give it away."""
    equation: Equation = {0: 1, 1: 1, "total": -1}
    assert recoverable([equation], {1: 10, "total": 13}, [0]) == {0}
    cells, total = suppress_list([3, 10])
    assert cells == [LESS, HIDDEN] and total == "13"


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
