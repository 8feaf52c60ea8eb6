"""The Danish catalogues are complete as pybabel sees them (issue 21 point 8): no entry
without Danish text, none marked fuzzy (a guess gettext would skip), no obsolete `#~` entry
lingering, and `pybabel compile` compiles each one without a word of complaint."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUES = sorted(Path("locales/da/LC_MESSAGES").glob("*.po"))
PYBABEL = Path(sys.executable).with_name("pybabel")


def test_no_empty_fuzzy_or_obsolete_entries():
    assert CATALOGUES
    problems = []
    for path in CATALOGUES:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="da")
        if catalog.fuzzy:
            problems.append(f"{path.name}: the whole catalogue is marked fuzzy")
        for message in catalog:
            if not message.id:
                continue
            if message.fuzzy:
                problems.append(f"{path.name}: {message.id!r} is fuzzy")
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                problems.append(f"{path.name}: {message.id!r} has no Danish text")
        if catalog.obsolete:
            problems.append(f"{path.name}: obsolete entries {list(catalog.obsolete)[:3]}")
    assert not problems, "\n".join(problems)


def test_pybabel_compiles_every_catalogue_cleanly(tmp_path):
    for path in CATALOGUES:
        result = subprocess.run(
            [str(PYBABEL), "compile", "--statistics", "-l", "da", "-i", str(path),
             "-o", str(tmp_path / f"{path.stem}.mo")],
            capture_output=True, text=True, timeout=60)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert "fuzzy" not in output.lower() and "error" not in output.lower(), output
        assert "100%" in output, output  # "N of N messages (100%) translated"
