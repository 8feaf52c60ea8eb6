"""A CV shown in place (issue 17 point 1): PDF pages drawn as watermarked images, a DOCX as
clean HTML. Pure functions of the decrypted bytes: nothing here touches the database or the
disk, and nothing is kept after the call returns (no cache: "erasing the key destroys every
copy" holds because no copy is ever made).

Libraries first (DESIGN.md): pypdfium2 draws PDF pages, Pillow writes the PNG and the
watermark, mammoth turns a DOCX into HTML and nh3 keeps only plain text structure. They are
imported on first use: together about 25 MB of a worker's resident memory that the kiosk
and the portal never need (bench B6 holds a worker to 200 MB).

Everything runs on one thread of its own (`run`): PDFium allows one call at a time anyway,
and one thread keeps the bitmaps in one malloc arena instead of one per pool thread (B8 saw
a worker grow by 140 MB while four reviewers read through the default pool)."""

import asyncio
import contextlib
import functools
import io
import math
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from PIL import Image

T = TypeVar("T")

# Drawn this wide: sharp on a laptop's reading column (the page scales it down to fit).
PAGE_WIDTH = 1000
# A pathological page size (a strip a mile long) must not become a huge bitmap.
MAX_PAGE_HEIGHT = 2000
# The application page shows at most this many pages in place; the download holds the rest.
MAX_PAGES_SHOWN = 30

# PDFium is not thread-safe, not even across documents (pypdfium2's "Incompatibility with
# Threading"): every call into it holds this lock. Pillow's work runs outside it.
_PDFIUM = threading.Lock()
_DRAWER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cv-render")


async def run(work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` on the CV drawing thread, off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_DRAWER, work, *args)


# Plain structure only: no links (external or not), no images, no styles, no scripts.
_DOCX_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "sub", "sup", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "blockquote",
}  # fmt: skip
_DOCX_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


class Unreadable(Exception):
    """The file cannot be shown in place (damaged, encrypted, not what it claims to be)."""


class PageSize(NamedTuple):
    width: int  # pixels, as drawn
    height: int


def _pixels(width_pt: float, height_pt: float) -> tuple[float, PageSize]:
    if not (width_pt > 0 and height_pt > 0):
        raise Unreadable("page without a size")
    scale = min(PAGE_WIDTH / width_pt, MAX_PAGE_HEIGHT / height_pt)
    # Rounded up, as pypdfium2 sizes the bitmap: the page's <img> box is the image's own.
    return scale, PageSize(math.ceil(width_pt * scale), math.ceil(height_pt * scale))


@contextlib.contextmanager
def _document(content: bytes) -> Iterator[Any]:
    """The PDF open, with PDFium held for this thread until it is closed again."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(content)
        except pdfium.PdfiumError as exc:
            raise Unreadable(str(exc)) from exc
        try:
            yield pdf
        finally:
            pdf.close()


def pdf_pages(content: bytes) -> tuple[int, list[PageSize]]:
    """The number of pages, and the size of each page shown in place as it will be drawn."""
    with _document(content) as pdf:
        total = len(pdf)
        sizes = [pdf.get_page_size(i) for i in range(min(total, MAX_PAGES_SHOWN))]
    return total, [_pixels(w, h)[1] for w, h in sizes]


def _draw(content: bytes, number: int) -> "Image.Image":
    with _document(content) as pdf:
        if not 1 <= number <= min(len(pdf), MAX_PAGES_SHOWN):
            raise IndexError(number)
        page = pdf[number - 1]
        try:
            scale, _ = _pixels(*page.get_size())
            bitmap = page.render(scale=scale, may_draw_forms=False)
            # Pillow copies a BGR bitmap into its own RGB image (pypdfium2's to_pil); any
            # other format is copied here: the bitmap's memory is PDFium's and goes with it.
            image = bitmap.to_pil()
            image = image if image.mode == "RGB" else image.convert("RGB")
            bitmap.close()
        finally:
            page.close()
    return image


def render_pdf_page(content: bytes, number: int, watermark: str) -> bytes:
    """Page `number` (from 1) as a PNG with the watermark; IndexError when there is no such
    page in place. Grey pages are written as greyscale: an eighth of the bytes, same look."""
    image = _draw(content, number)
    red, green, blue = image.split()
    if red.tobytes() == green.tobytes() == blue.tobytes():
        image = red
    _watermark(image, watermark)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def _watermark(image: "Image.Image", text: str) -> None:
    """Faint text naming the reviewer and the day, along the foot and large across the
    middle: a screenshot or a printout says who read it and when (policy: "only accessible
    to our employees ... as needed")."""
    ink: int | tuple[int, int, int] = 80 if image.mode == "L" else (40, 60, 150)
    foot, across = _stencils(text, image.width)
    image.paste(ink, (foot.height, image.height - foot.height * 3 // 2), foot)
    centre = ((image.width - across.width) // 2, (image.height - across.height) // 2)
    image.paste(ink, centre, across)


@functools.lru_cache(maxsize=16)
def _stencils(text: str, width: int) -> tuple["Image.Image", "Image.Image"]:
    """The two masks for a reviewer's day, made once (loading the font and turning the text
    cost as much as the PNG; bench B8). They hold a staff member's name, never a candidate's."""
    foot = _stencil(text, max(12, width // 45), 70)
    across = _stencil(text, max(16, width // 18), 28)
    return foot, across.rotate(30, expand=True, resample=_bilinear())


def _bilinear() -> Any:
    from PIL import Image

    return Image.Resampling.BILINEAR


def _stencil(text: str, size: int, opacity: int) -> "Image.Image":
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=size)
    left, top, right, bottom = font.getbbox(text)
    mask = Image.new("L", (math.ceil(right - left) + 8, math.ceil(bottom - top) + 8), 0)
    ImageDraw.Draw(mask).text((4 - left, 4 - top), text, font=font, fill=opacity)
    return mask


def docx_html(content: bytes) -> str:
    """The document's text and structure as HTML that is safe inside our pages."""
    import mammoth
    import nh3

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(content),
            convert_image=lambda image: [],  # images are left out (issue 17 point 1)
            include_embedded_style_map=False,  # the file's own style map could name any tag
            external_file_access=False,  # never fetch what the file points at
        )
    except Exception as exc:  # a hostile file can make mammoth's parser raise anything
        raise Unreadable(type(exc).__name__) from exc
    return nh3.clean(
        result.value,
        tags=_DOCX_TAGS,
        attributes=_DOCX_ATTRIBUTES,
        clean_content_tags={"script", "style"},
        url_schemes=set(),
        link_rel=None,
    )
