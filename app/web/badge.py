"""The visitor's badge, as the kiosk and the reception desk show and print it: the first
name, the host's name, the date, and a QR code that opens the sign-out page on the
visitor's own phone (app.visits.phone_sign_out).

The QR code is segno's (DESIGN.md "Libraries first"; the hand-written version-1 encoder
could not hold a link). Two of segno's choices are fixed instead of searched, because the
search was most of a badge's cost (bench B1, measured here: ~3 ms a badge with segno's
defaults, ~0.7 ms with these): the mask (any of the eight scans; the one used is written
into the symbol) and no raising of the error-correction level beyond M (15 %, enough for a
printed label)."""

from collections.abc import Mapping

import segno
from markupsafe import Markup

from app import dates
from app.visits.phone_sign_out import sign_out_url
from app.visits.visits import Badge

QR_ERROR = "m"
QR_MASK = 0
QR_BORDER = 2  # quiet zone in modules; the badge adds white around it


def qr_svg(content: str) -> Markup:
    """An inline SVG (CSP: no data: URL, no inline style), sized by the page's CSS."""
    symbol = segno.make(content, error=QR_ERROR, mask=QR_MASK, boost_error=False, micro=False)
    svg = symbol.svg_inline(scale=1, border=QR_BORDER, omitsize=True, light="#fff")
    return Markup(svg)  # noqa: S704 - segno's drawing of our own link, no input text


def badge_values(badge: Badge, language: str) -> Mapping[str, str | Markup]:
    """What a badge shows and prints. Nothing else about the visitor: no surname, no
    company, no e-mail (issue 19, point 1)."""
    return {
        "first_name": badge.first_name,
        "host_name": badge.host_name,
        "visit_date": dates.day(badge.date, language),  # as every door writes a date
        "signout_code": badge.signout_code,
        "qr": qr_svg(sign_out_url(badge.signout_code, badge.visit_ref)),
    }
