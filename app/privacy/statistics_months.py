"""One decision for every page that shows the same counts (issue 20.4: a hidden count must not
be worked out "from everything published"; a data-protection officer compares pages).

Pages overlap: a quarter's table holds its three months, a year's its twelve, the page of
every site the sum of each site's. Suppressed page by page, two pages gave a hidden count
away: the quarter hid Backend's November 9 to protect its October 3, November's own page
showed that 9, and the quarter's row total then gave October as 12 - 9 - 0; all sites minus
one site gave the other site's small day (statistics review).

So every count is decided once, on the smallest page that shows it: a month (and, for
visits, one site's month), by app.privacy.suppression as that page alone would. A larger
page publishes a sum of such counts, and hides it when any of its parts is hidden. Then
each number a larger page shows is the sum of numbers the month pages show, and each of
its totals is a sum of the month pages' totals: it tells a reader nothing the month pages
do not (by linear arithmetic), and each month page is protected on its own.
tests/console/test_statistics.py attacks a quarter, its months and its sites together."""

from collections.abc import Iterable, Sequence
from datetime import date

from app.privacy.suppression import hide_list, primary, published

TOTAL = "\x00total"  # a list's total among its items' keys (no code or name is this)
Key = tuple[str, date, str, str]  # (table, month, item, site); site "" outside visits


class Decided:
    """The month-level counts of a period and which of them are hidden."""

    def __init__(self) -> None:
        self.value: dict[Key, int] = {}
        self.hidden: set[Key] = set()

    def list(self, table: str, month: date, items: Sequence[tuple[str, int]],
             total_hidden: bool | None = None, site: str = "") -> bool:  # fmt: skip
        """A month's list with its total, decided as its page alone would (hide_list).
        Returns whether the total is hidden."""
        hidden, total_hidden = hide_list([n for _c, n in items], total_hidden)
        for k, (code, n) in enumerate(items):
            self.value[(table, month, code, site)] = n
            if k in hidden:
                self.hidden.add((table, month, code, site))
        self.value[(table, month, TOTAL, site)] = sum(n for _c, n in items)
        if total_hidden:
            self.hidden.add((table, month, TOTAL, site))
        return total_hidden

    def single(self, table: str, month: date, code: str, count: int) -> None:
        """A count with no total beside it: hidden when small."""
        self.value[(table, month, code, "")] = count
        if primary(count):
            self.hidden.add((table, month, code, ""))

    def shown(self, keys: Iterable[Key]) -> str:
        """The sum of month-level counts as a page publishes it: hidden when a part is."""
        total, hidden = 0, False
        for key in keys:
            total += self.value.get(key, 0)
            hidden = hidden or key in self.hidden
        return published(total, hidden)


def keys(table: str, months: Iterable[date], item: str, sites: Iterable[str] = ("",)) -> list[Key]:
    return [(table, m, item, s) for m in months for s in sites]
