"""Bar geometry for the statistics page's server-rendered SVG (no JavaScript, nothing for the
CSP to refuse). A chart draws exactly the published values of its table: a hidden value
("<5" or the secondary mark) is drawn as 5, all alike, so a bar's height tells nothing a
number would not (issue 20.4). Text is 13 px and never scaled down (labels at least 12 px,
issue 20.5): a bar chart is as wide as its card, and a wide column chart scrolls in its box.

svg() writes a chart's markup by hand: the same elements and attributes the page's Jinja
macro wrote, escaped as Jinja escapes them. The month's chart draws one bar per position
(200 in bench B7), and the macro's attribute look-ups (each a caught AttributeError on a
dict) and escapes on every bar were half of the month page's rendering: the page's tables
and charts took 4.8 ms through the macro and 1.8 ms with svg() (B7's month, the least of 30
renders in-process). tests/console/test_statistics.py reads each chart back against its
table and feeds it a name full of markup."""

from typing import Any

from markupsafe import Markup, escape

from app.privacy.suppression import SMALL

FONT = 13
COLUMN_PLOT = 160  # height of a column chart's bars at most
COLUMN_WIDTH = 26
COLUMN_GAP = 10
ROW_HEIGHT = 40  # a bar chart's row: its line of text, then its bar
BAR_HEIGHT = 14
MAX_LABEL = 36  # characters of a category label in a chart (the table has it whole)


def drawn(value: str) -> int:
    return int(value) if value.isdigit() else SMALL


def columns(points: list[tuple[str, str]]) -> dict[str, Any]:
    """Vertical bars in time order: (label, published value) per bar."""
    top = max([drawn(v) for _, v in points] + [1])
    rotate = any(len(label) > 3 for label, _ in points)  # month names: slanted, to fit
    longest = max([len(label) for label, _ in points] + [1])
    # Room on the left for the first slanted label; a month's 31 days fit a laptop's card.
    left, baseline = (16 + int(longest * FONT * 0.45) if rotate else 16), COLUMN_PLOT + 28
    step = max(24, min(COLUMN_WIDTH + COLUMN_GAP, 980 // max(1, len(points))))
    width = step - max(4, step // 4)
    bars = []
    for n, (label, value) in enumerate(points):
        height = round(COLUMN_PLOT * drawn(value) / top) if value != "0" else 0
        x = left + n * step
        bars.append(
            {
                "x": x,
                "y": baseline - height,
                "width": width,
                "height": height,
                "middle": x + width / 2,
                "label": label,
                "value": value,
                "hidden": not value.isdigit(),
            }
        )
    return {
        "kind": "columns",
        "bars": bars,
        "width": left + 16 + len(points) * step,
        "height": baseline + FONT + 12 + (int(longest * FONT * 0.5) if rotate else 0),
        "baseline": baseline,
        "rotate": rotate,
        "font": FONT,
    }


def bars(points: list[tuple[str, str]]) -> dict[str, Any]:
    """Horizontal bars for categories (positions, purposes, sources, locations): each row a
    line of text (the label at the left, the value at the right) over its bar, as wide as the
    card. The bar's length is a share of the card's width (SVG percentages, no viewBox, so
    text keeps its 13 px): the chart fits a phone and a half-width card with every value in
    sight. Beside the label, a 360 px bar scrolled out of a 330 px card on a phone (only the
    labels showed) and out of the laptop's half-width cards (the site chart read "Main office
    12" for 126)."""
    top = max([drawn(v) for _, v in points] + [1])
    rows = []
    for n, (label, value) in enumerate(points):
        share = round(100 * drawn(value) / top, 2) if value != "0" else 0
        y = 4 + n * ROW_HEIGHT
        rows.append(
            {
                "x": 0,
                "y": y + FONT + 6,
                "width": f"{share:g}%",
                "height": BAR_HEIGHT,
                "text_y": y + FONT,
                "label": _short(label),
                "value": value,
                "hidden": not value.isdigit(),
            }
        )
    return {
        "kind": "bars",
        "bars": rows,
        "width": "100%",
        "height": 8 + len(points) * ROW_HEIGHT,
        "font": FONT,
    }


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _rect(bar: dict) -> str:
    """A bar's rectangle; a suppressed value ("<5", not a number) is drawn pale and dashed."""
    kind = "bar hidden" if bar["hidden"] else "bar"
    return (
        f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["width"]}" height="{bar["height"]}" '
        f'class="{kind}"/>'
    )


def svg(chart: dict[str, Any], title: str, key: str) -> Markup:
    """The chart as an SVG figure; `key` names it (data-chart) and its title's id."""
    key_, title_ = escape(key), escape(title)
    width, height = chart["width"], chart["height"]
    # A bar chart is the card's width in pixels (no viewBox: nothing is scaled).
    box = "" if chart["kind"] == "bars" else f'viewBox="0 0 {width} {height}" '
    out = [
        f'<figure class="chart" data-chart="{key_}">\n'
        f'<svg role="img" aria-labelledby="chart-{key_}" {box}'
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">\n'
        f'<title id="chart-{key_}">{title_}</title>\n'
    ]
    if chart["kind"] == "columns":
        baseline = chart["baseline"]
        out.append(f'<line x1="0" y1="{baseline}" x2="{width}" y2="{baseline}" class="axis"/>\n')
        for b in chart["bars"]:
            label, value, middle = escape(b["label"]), escape(b["value"]), b["middle"]
            out.append(f'<g data-label="{label}" data-value="{value}">{_rect(b)}')
            if b["value"] != "0":
                out.append(
                    f'<text x="{middle}" y="{b["y"] - 5}" text-anchor="middle" '
                    f'class="value">{value}</text>'
                )
            if chart["rotate"]:
                y = baseline + 16
                out.append(
                    f'<text x="{middle}" y="{y}" text-anchor="end" '
                    f'transform="rotate(-40 {middle} {y})" class="label">{label}</text></g>\n'
                )
            else:
                out.append(
                    f'<text x="{middle}" y="{baseline + 18}" text-anchor="middle" '
                    f'class="label">{label}</text></g>\n'
                )
    else:
        for b in chart["bars"]:
            label, value, text_y = escape(b["label"]), escape(b["value"]), b["text_y"]
            out.append(
                f'<g data-label="{label}" data-value="{value}">'
                f'<text x="0" y="{text_y}" class="label">{label}</text>'
                f'<text x="100%" y="{text_y}" text-anchor="end" class="value">{value}</text>'
                f"{_rect(b)}</g>\n"
            )
    out.append("</svg>\n</figure>")
    return Markup("".join(out))  # noqa: S704 - every text escaped above, the rest our numbers
