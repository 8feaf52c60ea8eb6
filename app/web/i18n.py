"""English and Danish, per request.

Message catalogues are `locales/<lang>/LC_MESSAGES/<door>.po` (one file per door, so the
portal, kiosk and console teams never edit the same file). They are read with Babel at start-up,
so no compile step is needed; `tests/test_i18n.py` runs Babel's own checks on them."""

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from app.config import ROOT

LOCALES = ROOT / "locales"
LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}


@cache
def translations(language: str) -> gettext.NullTranslations:
    merged: gettext.NullTranslations | None = None
    folder = LOCALES / language / "LC_MESSAGES"
    for po in sorted(Path(folder).glob("*.po")) if folder.exists() else []:
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        t = Translations(buffer)
        if merged is None:
            merged = t
        else:
            merged.merge(t)  # type: ignore[attr-defined]
    return merged or gettext.NullTranslations()


def gettext_for(language: str) -> Callable[[str], str]:
    return translations(language).gettext


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
