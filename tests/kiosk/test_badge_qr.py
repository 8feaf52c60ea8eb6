"""The badge QR: our SVG path draws exactly the modules segno encoded, with the fixed mask
written into the symbol's format information (so any reader unmasks it correctly)."""

import re

import segno

from app.visits.codes import SIGNOUT_LENGTH, new_code
from kiosk.badge_qr import BORDER, MASK, qr_matrix, qr_svg


def _drawn(svg: str, size: int) -> list[bytearray]:
    grid = [bytearray(size) for _ in range(size)]
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        for dx in range(int(width)):
            grid[int(y) - BORDER][int(x) - BORDER + dx] = 1
    return grid


def test_the_path_draws_every_dark_module_and_nothing_else() -> None:
    for _ in range(20):
        code = new_code(SIGNOUT_LENGTH)
        matrix = qr_matrix(code)
        assert _drawn(str(qr_svg(code)), len(matrix)) == matrix


def test_the_symbol_is_segnos_encoding_of_the_code_with_the_fixed_mask() -> None:
    code = "K7PX3M"
    reference = segno.make(code, error="m", micro=False, mask=MASK)
    assert reference.mask == MASK and reference.version == 1
    assert qr_matrix(code) == list(reference.matrix)
    # A different code is a different symbol (the drawing is not a constant).
    assert qr_matrix("K7PX3N") != qr_matrix(code)


def test_the_svg_is_inline_and_self_contained() -> None:
    svg = str(qr_svg("K7PX3M"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg and "style=" not in svg  # CSP: no inline style or script
