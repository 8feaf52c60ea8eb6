"""The language of a request: an explicit choice (the switch's query, then its cookie), else the
browser's Accept-Language. The catalogues themselves live in `app/i18n.py`, below the doors."""

LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}


def pick_language(
    accept_language: str | None, cookie: str | None, query: str | None, supported: tuple[str, ...]
) -> str:
    """An explicit choice (query, then cookie) wins; then the browser's Accept-Language."""
    for choice in (query, cookie):
        if choice in supported:
            return choice
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        base = tag.split("-")[0]
        if base in supported:
            return base
    return supported[0]
