"""The CV drawing functions on their own (app/recruiting/cv_render.py): hostile sizes stay
bounded, damaged files are "cannot be shown", long CVs are cut to what is shown in place."""

import pytest

from app.recruiting.cv_render import (
    MAX_PAGE_HEIGHT,
    MAX_PAGES_SHOWN,
    PAGE_WIDTH,
    Unreadable,
    _pixels,
    docx_html,
    pdf_pages,
    render_pdf_page,
)
from tests.documents import pdf_pages as make_pdf


@pytest.mark.parametrize(("width", "height"), [(595, 842), (14400, 1), (1, 14400), (3, 3)])
def test_a_page_of_any_size_is_drawn_within_bounds(width, height):
    _, size = _pixels(width, height)
    assert 1 <= size.width <= PAGE_WIDTH and 1 <= size.height <= MAX_PAGE_HEIGHT + 1


@pytest.mark.parametrize("size", [(0, 842), (595, 0), (-1, 5)])
def test_a_page_without_a_size_cannot_be_shown(size):
    with pytest.raises(Unreadable):
        _pixels(*size)


def test_a_long_cv_shows_its_first_pages_and_counts_them_all():
    content = make_pdf(MAX_PAGES_SHOWN + 2, lines=2)
    total, shown = pdf_pages(content)
    assert (total, len(shown)) == (MAX_PAGES_SHOWN + 2, MAX_PAGES_SHOWN)
    assert render_pdf_page(content, MAX_PAGES_SHOWN, "x").startswith(b"\x89PNG")
    with pytest.raises(IndexError):
        render_pdf_page(content, MAX_PAGES_SHOWN + 1, "x")


@pytest.mark.parametrize(
    "content", [b"%PDF-1.4 not a pdf", b"PK\x03\x04 not a zip either", b"", b"\x00" * 64]
)
def test_damaged_files_cannot_be_shown_and_never_raise_anything_else(content):
    with pytest.raises(Unreadable):
        pdf_pages(content)
    with pytest.raises(Unreadable):
        docx_html(content)
