"""The badge's QR code (the sign-out code) as a small inline SVG.

segno encodes; we draw. Two choices keep a badge cheap to print (bench B1: the QR was 40% of
a sign-in's CPU, 1.6 ms of 4):
- a fixed mask. ISO/IEC 18004 lets an encoder use any of the eight masks (the one used is
  written into the symbol's format information); segno's default scores all eight, which is
  most of its time. A version-1 code printed at 6 px per module scans with any of them.
- one SVG path of horizontal runs, instead of segno's general writer (5x slower)."""

import segno
from markupsafe import Markup

MASK = 5  # the mask segno itself chose most often for our six-character codes (85 of 300)
BORDER = 2  # quiet zone in modules (the badge card adds white around it)
SCALE = 6  # CSS pixels per module; the SVG scales, this is only its default size


def qr_matrix(code: str) -> list[bytearray]:
    """Dark (1) and light (0) modules, row by row, without the quiet zone."""
    return list(segno.make(code, error="m", micro=False, mask=MASK).matrix)


def qr_svg(code: str) -> Markup:
    rows = qr_matrix(code)
    size = len(rows) + 2 * BORDER
    runs: list[str] = []
    for y, row in enumerate(rows, start=BORDER):
        x, width = 0, len(row)
        while x < width:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < width and row[x]:
                x += 1
            runs.append(f"M{start + BORDER} {y}h{x - start}v1h-{x - start}z")
    pixels = size * SCALE
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{pixels}" height="{pixels}" class="segno" role="img" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
    return Markup(svg)  # noqa: S704 - built here from a boolean matrix, no input text
