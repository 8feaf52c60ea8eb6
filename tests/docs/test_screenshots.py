"""The README's pictures cannot go stale unnoticed (issue 22): the same script as
`make screenshots` takes every picture from a seeded database into a temporary folder, and
this fails when a page no longer answers 200, loses its heading or comes out blank. It never
compares pixels: a page may change its look without failing here."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from app.config import ROOT
from tests.screenshots import IMG, SHOTS, seed, take


def _colours(path: Path) -> int:
    with Image.open(path) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16))


@pytest.mark.browser
async def test_every_picture_of_the_readme_still_renders(browser, live_server, tmp_path: Path):
    seeded = await seed()
    headings = await take(browser, live_server.url, seeded, tmp_path)
    assert sorted(headings) == sorted(shot.name for shot in SHOTS)
    for shot in SHOTS:
        path = tmp_path / shot.name
        with Image.open(path) as image:
            assert image.size == (shot.viewport["width"], shot.viewport["height"]), shot.name
        # A page that renders nothing is one or two colours; text and controls are many more.
        assert _colours(path) > 50, f"{shot.name} looks blank"
    # A page that stops answering fails the run (here: a position that is not there).
    with pytest.raises(AssertionError, match="answered 404"):
        await take(browser, live_server.url, replace(seeded, slug="gone"), tmp_path / "gone")


def test_the_committed_pictures_are_the_ones_the_readme_shows() -> None:
    readme = (ROOT / "README.md").read_text()
    shown = set(re.findall(r"docs/img/([\w.-]+\.png)", readme))
    assert shown == {shot.name for shot in SHOTS}
    for shot in SHOTS:
        size = (IMG / shot.name).stat().st_size
        assert 5_000 < size < 300_000, f"{shot.name} is {size} bytes: run make screenshots"
    assert sum(p.stat().st_size for p in IMG.glob("*.png")) < 2_000_000
