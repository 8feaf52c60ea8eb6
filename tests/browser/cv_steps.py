"""The reviewer's step "reads the CV pages in place" (issue 17 point 1), shared by the browser
tests of the reviewer's day: on an open application page, every page image of the CV loads
(lazily: scrolled into view one by one) and shows a real picture, and the page count is told."""

from pathlib import Path
from typing import Any


async def reads_the_cv_pages_in_place(
    page: Any, pages: int, shots: Path | None = None, name: str = "cv-in-place"
) -> None:
    images = page.locator("img.cv-page")
    assert await images.count() == pages
    count = await page.inner_text(".cv-page-count")
    assert str(pages) in count
    for i in range(pages):
        image = images.nth(i)
        await image.scroll_into_view_if_needed()
        # Loaded and decoded: a broken or refused image has no natural width.
        await page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=await image.element_handle()
        )
        width = await image.evaluate("(img) => img.naturalWidth")
        assert width == 1000
    if shots is not None:
        await page.evaluate("document.querySelector('.cv-pages').scrollTop = 0")
        await page.evaluate("document.querySelector('.cv-in-place').scrollIntoView()")
        await page.evaluate("window.scrollBy(0, -120)")  # the CV's heading and download too
        await page.screenshot(path=str(shots / f"{name}.png"))
