"""The visitor's badge, as the kiosk and the reception desk show and print it: the first
name, the host's name, the date, and a QR code that opens the sign-out page on the
visitor's own phone (app.visits.phone_sign_out).

On the kiosk's and the desk's badge pages the browser draws the QR code from the link
(kiosk/static/badge-qr.js, with the vendored qrcode-generator): drawing it here was most of
a kiosk sign-in's own work on the server (bench B1: zxing-cpp's code and SVG ~0.3 ms of a
~1 ms sign-in; segno's ~1.2 ms before it). `qr_svg` draws it on the server for the kiosk
API's clients, with zxing-cpp (DESIGN.md "Libraries first"; the hand-written version-1
encoder could not hold a link). Error correction M (15 %): enough for a printed label."""

import re
from collections.abc import Mapping

import zxingcpp
from markupsafe import Markup

from app import dates
from app.visits.phone_sign_out import sign_out_url
from app.visits.visits import Badge

QR_ERROR = "M"
_SIZE = re.compile(r'width="(\d+)" height="(\d+)"')


def qr_svg(content: str) -> Markup:
    """An inline SVG (CSP: no data: URL, no inline style), sized by the page's CSS: zxing's
    drawing without its XML prologue, its fixed size turned into a viewBox so that it scales."""
    symbol = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.QRCode, ec_level=QR_ERROR)
    svg = symbol.to_svg()
    svg = svg[svg.index("<svg") :]
    svg = _SIZE.sub(r'viewBox="0 0 \1 \2"', svg, count=1)
    return Markup(svg)  # noqa: S704 - zxing's drawing of our own link, no input text


def badge_values(badge: Badge, language: str) -> Mapping[str, str | Markup]:
    """What a badge shows and prints. Nothing else about the visitor: no surname, no
    company, no e-mail (issue 19, point 1)."""
    return {
        "first_name": badge.first_name,
        "host_name": badge.host_name,
        "visit_date": dates.day(badge.date, language),  # as every door writes a date
        "signout_code": badge.signout_code,
        # The page's browser draws the code from the link (kiosk/static/badge-qr.js);
        # qr_svg is for the kiosk API's clients.
        "qr_link": sign_out_url(badge.signout_code, badge.visit_ref),
    }
