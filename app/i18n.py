"""The message catalogues, English and Danish, for whoever writes words: pages and mail alike.

Services write mail in the candidate's language, so the catalogues live on the ground floor
(imports flow doors -> services -> here); `app/web/i18n.py` keeps only what is about a request
(the language cookie, Accept-Language, the switch).

Catalogues are `locales/<lang>/LC_MESSAGES/<name>.po` (one file per door or team, so nobody
edits the same file). They are read with Babel at start-up, so no compile step is needed;
`tests/test_i18n.py` runs Babel's own checks on them."""

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
