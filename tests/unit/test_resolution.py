"""Which resolution a page image is read at when its file's own is not believable: the
text lines decide, a paper-shaped page is at least A4-wide, and dark scan edges or a
slight skew do not hide the lines."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from ingest.page_quality import QualityThresholds, assess_page
from ingest.resolution import believable_dpi, text_line_height

THRESHOLDS = QualityThresholds(
    min_dpi=200,
    min_confidence=60.0,
    min_brightness=0.35,
    max_brightness=0.995,
    min_contrast=0.25,
    blank_max_ink=0.0004,
)


def _page(
    width: int,
    height: int,
    *,
    line: int,
    pitch: int,
    margin: int,
    edges: int = 0,
    skew_degrees: float = 0.0,
) -> Image.Image:
    """A grey page with lines of "type" ``line`` px high every ``pitch`` px, and black
    scan edges ``edges`` px wide at the left and right."""
    pixels = np.full((height, width), 235, dtype=np.uint8)
    slope = math.tan(math.radians(skew_degrees))
    columns = np.arange(margin, width - margin)
    for top in range(margin, height - margin - line, pitch):
        for column in columns[::3]:
            shifted = top + round(float((column - margin) * slope))
            pixels[max(0, shifted) : max(0, shifted + line), column] = 20
    if edges:
        pixels[:, :edges] = 10
        pixels[:, width - edges :] = 10
    return Image.fromarray(pixels)


def test_dark_scan_edges_do_not_join_the_lines() -> None:
    page = _page(1200, 2200, line=40, pitch=75, margin=150, edges=40)
    height = text_line_height(page)
    assert height is not None and 36 <= height <= 44


def test_slightly_skewed_lines_are_still_apart() -> None:
    page = _page(1500, 2100, line=40, pitch=75, margin=150, skew_degrees=1.2)
    height = text_line_height(page)
    assert height is not None and 36 <= height <= 60


def test_a_book_page_labelled_72_dpi_is_not_taken_for_a_150_dpi_a4_page() -> None:
    """An octavo page scanned at 300 dpi (4.1 × 6.2 in) whose file says 72 dpi: A4-wide
    it would be 150 dpi and flagged for rescanning; its 10-12 pt lines say ~290."""
    page = _page(1240, 1860, line=42, pitch=80, margin=120, edges=30)
    dpi = believable_dpi(page, 72)
    assert 250 <= dpi <= 350
    assert not [r for r in assess_page(page, dpi=dpi, thresholds=THRESHOLDS).rescan if "dpi" in r]


def test_an_a4_page_at_150_dpi_without_a_resolution_is_still_flagged() -> None:
    """Shape and lines agree (10-12 pt at 150 dpi is ~22 px of ink): a real low
    resolution keeps its rescan reason."""
    page = _page(1240, 1754, line=22, pitch=40, margin=120)
    dpi = believable_dpi(page, None)
    assert 140 <= dpi <= 160
    reasons = assess_page(page, dpi=dpi, thresholds=THRESHOLDS).rescan
    assert any("dpi unter 200 dpi" in r for r in reasons)


def test_a_paper_shaped_page_without_lines_stays_a4_wide() -> None:
    blank = Image.new("L", (2480, 3508), 255)
    assert believable_dpi(blank, 72) == round(2480 / 8.27)
