"""The badge QR: our own encoder makes exactly the symbol segno made for the badge before
(version 1, level H after segno's boost, the fixed mask in the format information), and our
SVG path draws exactly its dark modules. segno is only the oracle here, not a dependency."""

import re

import pytest
import segno

from app.visits.codes import ALPHABET, SIGNOUT_LENGTH, new_code
from kiosk.badge_qr import BORDER, MASK, SCALE, qr_matrix, qr_svg

# Edge codes: the alphabet's ends, all digits (numeric mode), a digit run either side, and
# every character of the alphabet at least once.
EDGE_CODES = ["AAAAAA", "999999", "ZZZZZZ", "222222", "A22222", "22222Z", "K7PX3M"]
EDGE_CODES += [ch * SIGNOUT_LENGTH for ch in ALPHABET]


def _codes() -> list[str]:
    return EDGE_CODES + [new_code(SIGNOUT_LENGTH) for _ in range(300)]


def _segno(code: str) -> segno.QRCode:
    """The call the badge used before: error="m" (boosted to H), no Micro QR, mask 5."""
    return segno.make(code, error="m", micro=False, mask=MASK)


def _drawn(svg: str, size: int) -> list[bytearray]:
    grid = [bytearray(size) for _ in range(size)]
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        for dx in range(int(width)):
            grid[int(y) - BORDER][int(x) - BORDER + dx] = 1
    return grid


def test_the_symbol_is_still_the_one_segno_made_for_a_badge() -> None:
    reference = _segno("K7PX3M")
    assert (reference.version, reference.error, reference.mask) == (1, "H", MASK)
    assert reference.mode == "alphanumeric"
    assert _segno("222222").mode == "numeric"  # all digits (possible with our alphabet)


def test_every_module_matches_segnos_encoding() -> None:
    for code in _codes():
        assert qr_matrix(code) == [bytearray(row) for row in _segno(code).matrix], code


def test_the_path_draws_every_dark_module_and_nothing_else() -> None:
    for code in _codes():
        matrix = qr_matrix(code)
        assert _drawn(str(qr_svg(code)), len(matrix)) == matrix


def test_the_svg_keeps_its_shape() -> None:
    svg = str(qr_svg("K7PX3M"))
    size = 21 + 2 * BORDER
    assert svg.startswith(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size * SCALE}" height="{size * SCALE}" class="segno" role="img" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        '<path fill="#000" d="M2 2h7v1h-7z'  # the top row of the top-left finder pattern
    )
    assert svg.endswith('z"/></svg>')
    # A different code is a different symbol (the drawing is not a constant).
    assert qr_svg("K7PX3N") != qr_svg("K7PX3M")


def test_the_svg_is_inline_and_self_contained() -> None:
    svg = str(qr_svg("K7PX3M"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg and "style=" not in svg  # CSP: no inline style or script


@pytest.mark.parametrize("code", ["", "K7PX3", "K7PX3MM", "k7px3m", "K7PX3\u0663", "K7PX3É"])
def test_only_six_alphanumeric_mode_characters_are_encoded(code: str) -> None:
    with pytest.raises(ValueError):
        qr_svg(code)
