"""Finding people by a part of their name, whatever the case, in any alphabet.

PostgreSQL's ILIKE folds case in every alphabet. SQLite's LIKE folds ASCII letters only: a
reception search for "ørsted" missed "Ørsted", and HR's "åse" missed "Åse" (Danish names).
On SQLite the term becomes a GLOB pattern with a class for each cased letter, "*[Øø][Rr]..*":
still SQLite's own loop in C over the rows, where a Python function called per row would
slow the visit log's scan of every visit kept."""

from app.config import current

MAX_TERM = 100
_DROPPED = "%_\\"  # LIKE's wildcards and escape: what is typed is searched for as text
_GLOB_SPECIAL = "*?["


def contains(column: str, term: str, placeholder: str = "?") -> tuple[str, str]:
    """The condition "`column` contains `term`" (column: our own SQL name, never input) with
    its one bound value. `placeholder`: "?" for app.db.fetch, "{}" for Piccolo's WhereRaw."""
    plain = "".join(ch for ch in term.strip()[:MAX_TERM] if ch not in _DROPPED)
    if current().is_sqlite:
        return f"{column} GLOB {placeholder}", "*" + "".join(map(_either_case, plain)) + "*"
    return f"{column} ILIKE {placeholder}", f"%{plain}%"


def _either_case(ch: str) -> str:
    if ch in _GLOB_SPECIAL:
        return f"[{ch}]"  # a class of one: the character itself, not a wildcard
    upper, lower = ch.upper(), ch.lower()
    if len(upper) == len(lower) == 1 and upper != lower:
        return f"[{upper}{lower}]"
    return ch  # no case (digits, spaces) or no one-letter partner (ß: upper() is "SS")
