"""Statistical disclosure control for every published table, chart and download (policy: "the
data will be anonymized"; issue 20.4).

Primary suppression: a count from 1 to 4 could point at a person, so it is published as "<5".
Secondary suppression: a hidden count must not be recoverable from the totals and the other
counts published beside it. Every published table is built from lists with their totals
(a partition: a month's positions, sources, purposes, days), decided once per month by
app.privacy.statistics_months; a larger table (positions x months with every total) shows
sums of those decisions. In a list with its total, one hidden entry would be the total minus
the others, so a second one is hidden, with room enough that the ranges of "<5" and HIDDEN
pin nothing either (hide_list). Secondary cells are published as HIDDEN, never as a number;
every suppressed bar is drawn at the same height.

tests/privacy/test_suppression.py attacks the output with exact rational linear algebra."""

from collections.abc import Sequence

SMALL = 5
LESS = "<5"  # a count from 1 to 4
HIDDEN = "×"  # hidden so that a small count cannot be worked out (0, or 5 and more)


def primary(count: int) -> bool:
    return 0 < count < SMALL


def published(count: int, hidden: bool) -> str:
    if not hidden:
        return str(count)
    return LESS if primary(count) else HIDDEN


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
