"""The badge's QR code (the sign-out code) as a small inline SVG, encoded here, not by segno.

Why our own encoder: bench B1 found segno's general encoder the largest single cost of a kiosk
sign-in (~200 us per badge) for a symbol whose shape never changes. A badge always carries six
characters of app.visits.codes.ALPHABET, which segno encodes as version 1 (21x21),
alphanumeric mode (numeric when all six are digits), error correction level H (we ask for M;
segno's boost_error raises it to H because the data still fits) and our fixed mask 5. So all
but the data is computed once, at import; a call makes 9 data codewords, divides out the 17
Reed-Solomon codewords and draws. tests/kiosk/test_badge_qr.py checks the symbol module for
module against segno, which remains the test oracle.

The constants are from ISO/IEC 18004:2015(E): 6.3.3-6.3.5 finder, separator and timing
patterns; 7.4.3, 7.4.4 numeric and alphanumeric modes (Tables 2, 3, 5); 7.4.9 terminator;
7.4.10 pad codewords; 7.5.2 and Table 9 error correction (1-H: 26 codewords, 17 of them EC, one
block); 7.7.3 codeword placement; 7.8.2 and Table 10 data masks; 7.9 format information.

The mask is fixed because choosing one means scoring all eight, most of a general encoder's
time; any mask scans (the one used is written into the format information). The SVG is one
path of horizontal runs (segno's general writer was 5x slower), drawn a byte of the symbol at
a time from pieces made at import."""

from markupsafe import Markup

MASK = 5  # the mask segno itself chose most often for our six-character codes (85 of 300)
BORDER = 2  # quiet zone in modules (the badge card adds white around it)
SCALE = 6  # CSS pixels per module; the SVG scales, this is only its default size

_SIZE = 21  # version 1
_CODE_LENGTH = 6
_DATA_CODEWORDS = 9  # Table 9, 1-H
_EC_CODEWORDS = 17  # Table 9, 1-H
_LEVEL_H = 0b10  # Table 12: level H as written in the format information
_ALPHANUMERIC = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")}

# The symbol is handled as one int, a bit per module (1 = dark), row after row, most
# significant first. Each row is three bytes: 21 modules and 3 always light (a run never
# wraps, and qr_svg draws each byte from a table).
_STRIDE = 24
_CELLS = _SIZE * _STRIDE


def _bit(row: int, col: int) -> int:
    return 1 << (_CELLS - 1 - (row * _STRIDE + col))


def _gf_tables() -> tuple[list[int], list[int]]:
    """Powers of 2 in GF(256) with the field polynomial x^8+x^4+x^3+x^2+1, and their logs."""
    exp, log, x = [0] * 255, [0] * 256, 1
    for i in range(255):
        exp[i], log[x] = x, i
        x = (x << 1) ^ (0x11D if x & 0x80 else 0)
    return exp, log


_EXP, _LOG = _gf_tables()


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[(_LOG[a] + _LOG[b]) % 255]


def _ec_steps() -> list[int]:
    """factor * generator polynomial (without its leading 1) as a 17-byte int, per factor."""
    generator = [1]  # (x - 2^0)(x - 2^1)...(x - 2^16), highest power first
    for i in range(_EC_CODEWORDS):
        shifted, scaled = [*generator, 0], [0, *(_gf_mul(g, _EXP[i]) for g in generator)]
        generator = [a ^ b for a, b in zip(shifted, scaled, strict=True)]
    return [int.from_bytes(bytes(_gf_mul(g, f) for g in generator[1:])) for f in range(256)]


_EC_STEP = _ec_steps()
_EC_TOP = 8 * (_EC_CODEWORDS - 1)
_EC_KEEP = (1 << 8 * _EC_CODEWORDS) - 1


def _function_modules() -> dict[tuple[int, int], int]:
    """(row, column) -> dark for every module that is not data, format information included."""
    modules = {}
    for top, left in ((0, 0), (0, _SIZE - 7), (_SIZE - 7, 0)):
        # Finder: rings 0-3 around its centre dark, dark, light, dark; ring 4 is the separator.
        for r in range(max(top - 1, 0), min(top + 8, _SIZE)):
            for c in range(max(left - 1, 0), min(left + 8, _SIZE)):
                modules[r, c] = int(max(abs(r - top - 3), abs(c - left - 3)) in (0, 1, 3))
    for i in range(8, _SIZE - 8):
        modules[6, i] = modules[i, 6] = int(i % 2 == 0)  # timing patterns
    # Format information: level and mask, BCH(15,5) remainder of division by
    # x^10+x^8+x^5+x^4+x^2+x+1, XOR 0x5412 (Table C.1 lists the results).
    data = _LEVEL_H << 3 | MASK
    remainder = data << 10
    for i in range(14, 9, -1):
        if remainder >> i & 1:
            remainder ^= 0x537 << (i - 10)
    bits = (data << 10 | remainder) ^ 0x5412
    # Bit i (0 = least significant) goes to position i of both copies.
    near_corner = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)]
    near_corner += [(8, 14 - i) for i in range(9, 15)]
    split = [(8, _SIZE - 1 - i) for i in range(8)] + [(_SIZE - 15 + i, 8) for i in range(8, 15)]
    for i in range(15):
        modules[near_corner[i]] = modules[split[i]] = bits >> i & 1
    modules[_SIZE - 8, 8] = 1  # the dark module
    return modules


def _data_positions(function: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    """Where the codewords' bits go, in order: up and down two-column strips from the bottom
    right, skipping the vertical timing column and the function modules."""
    positions: list[tuple[int, int]] = []
    rows = list(range(_SIZE - 1, -1, -1))
    for right in [*range(_SIZE - 1, 6, -2), *range(5, 0, -2)]:
        positions += [(r, c) for r in rows for c in (right, right - 1) if (r, c) not in function]
        rows.reverse()
    assert len(positions) == 8 * (_DATA_CODEWORDS + _EC_CODEWORDS)  # no remainder bits in v1
    return positions


def _precompute() -> tuple[int, list[dict[str, int]]]:
    """The symbol for all-zero codewords (function modules, mask over the data modules), and
    for each hex digit of the codeword stream the bits it sets, by its value."""
    function = _function_modules()
    positions = _data_positions(function)
    fixed = sum(_bit(r, c) for (r, c), dark in function.items() if dark)
    fixed += sum(_bit(r, c) for r, c in positions if (r * c) % 2 + (r * c) % 3 == 0)  # mask 5
    place = [
        {
            f"{value:x}": sum(_bit(*positions[d + j]) for j in range(4) if value >> (3 - j) & 1)
            for value in range(16)
        }
        for d in range(0, len(positions), 4)
    ]
    return fixed, place


_FIXED, _PLACE = _precompute()


def _data_codewords(code: str) -> bytes:
    values = [_ALPHANUMERIC.get(ch, -1) for ch in code]
    if len(values) != _CODE_LENGTH or min(values) < 0:
        # Without the code: it is a credential (stored only as a keyed hash), keep it out of logs.
        raise ValueError(f"a badge QR encodes {_CODE_LENGTH} alphanumeric-mode characters")
    if max(values) < 10:  # all digits: numeric mode 0001, 10-bit count, 3 digits in 10 bits
        bits, length = 0b0001 << 10 | _CODE_LENGTH, 14
        for i in range(0, _CODE_LENGTH, 3):
            bits, length = bits << 10 | int(code[i : i + 3]), length + 10
    else:  # alphanumeric mode 0010, 9-bit count, pairs as 45*a+b in 11 bits
        bits, length = 0b0010 << 9 | _CODE_LENGTH, 13
        for i in range(0, _CODE_LENGTH, 2):
            bits, length = bits << 11 | 45 * values[i] + values[i + 1], length + 11
    # The terminator (4 zero bits) and zeros to a byte boundary, then pad codewords.
    used = (length + 4 + 7) // 8
    padding = b"\xec\x11\xec\x11"[: _DATA_CODEWORDS - used]
    return (bits << (8 * used - length)).to_bytes(used) + padding


def _placed(data: bytes) -> int:
    """The modules that data codewords and their error correction darken (without _FIXED)."""
    remainder = 0
    for codeword in data:  # long division by the generator polynomial, a codeword a step
        remainder = ((remainder << 8) & _EC_KEEP) ^ _EC_STEP[(remainder >> _EC_TOP) ^ codeword]
    placed = 0
    for table, digit in zip(_PLACE, (data + remainder.to_bytes(_EC_CODEWORDS)).hex(), strict=True):
        placed ^= table[digit]
    return placed


# Everything after the data codewords is linear in them (XOR): Reed-Solomon's remainder of
# a sum is the sum of the remainders, and each bit has its one module. So each data
# codeword's value contributes the same modules whatever the others are, its error
# correction included: a badge is 9 lookups and XORs (bench B1: the QR was a fifth of the
# sign-in handler; 4.7 -> 1.9 us). 9 x 256 ints of 504 bits, 0.2 MB, made at import.
_BY_CODEWORD = [
    [_placed(bytes(value if j == i else 0 for j in range(_DATA_CODEWORDS))) for value in range(256)]
    for i in range(_DATA_CODEWORDS)
]


def _symbol(code: str) -> int:
    """The symbol as an int, _STRIDE bits per row."""
    symbol = _FIXED
    for table, codeword in zip(_BY_CODEWORD, _data_codewords(code), strict=True):
        symbol ^= table[codeword]
    return symbol


_ZERO_ONE = bytes.maketrans(b"01", b"\0\1")


def qr_matrix(code: str) -> list[bytearray]:
    """Dark (1) and light (0) modules, row by row, without the quiet zone."""
    modules = f"{_symbol(code):0{_CELLS}b}".encode().translate(_ZERO_ONE)
    return [bytearray(modules[i : i + _SIZE]) for i in range(0, _CELLS, _STRIDE)]


def _piece(y: int, left: int, byte: int) -> str:
    """The path of one byte of the symbol: its runs of dark modules (row y, columns left to
    left+7), each a rectangle one module high. A run across two bytes is two rectangles,
    drawn edge to edge (crispEdges: no seam)."""
    path, x = [], 0
    while x < 8:
        if byte >> (7 - x) & 1 and left + x < _SIZE:
            end = x
            while end < 8 and byte >> (7 - end) & 1 and left + end < _SIZE:
                end += 1
            path.append(f"M{left + x + BORDER} {y + BORDER}h{end - x}v1h-{end - x}z")
            x = end
        else:
            x += 1
    return "".join(path)


# For each byte of the symbol, its piece of the path by the byte's value: a badge is one
# table lookup per byte, 63 of them in C (map), instead of finding and formatting each run
# (bench B1: the QR was a tenth of a kiosk sign-in; 26 -> 7 us). 16,128 short strings, 1.4 MB.
_PIECES = [
    [_piece(y, left, byte) for byte in range(256)]
    for y in range(_SIZE)
    for left in range(0, _STRIDE, 8)
]


def qr_svg(code: str) -> Markup:
    runs = "".join(map(list.__getitem__, _PIECES, _symbol(code).to_bytes(_CELLS // 8)))
    size = _SIZE + 2 * BORDER
    pixels = size * SCALE
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{pixels}" height="{pixels}" class="segno" role="img" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{runs}"/></svg>'
    )
    return Markup(svg)  # noqa: S704 - built here from a boolean matrix, no input text
