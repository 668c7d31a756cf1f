"""Which resolution to believe for a page image, before OCR and the rescan check use it.

A file's "dpi" is often wrong: cameras and phones write 72 dpi into every JPEG, image
editors keep whatever they were given, a PDF may place a 40000-pixel strip on a page a
few inches wide. Believing it flags every photographed letter for rescanning ("72 dpi
unter 200 dpi"), turns millimetre thresholds (ink box margins, skew analysis) into the
wrong number of pixels, and hands Tesseract resolutions it refuses. So a claimed
resolution is believed only when it makes the image a plausible sheet of paper (from a
receipt or an A6 card to A3). Otherwise the height of the text lines tells (body type is
10-12 pt), and a paper-shaped image (A series, Letter, Legal) is taken to be at least A4
or Letter wide: a smaller sheet of that shape (an A5 letter, a book page) scanned at
300 dpi would otherwise pass for a 150 dpi A4 page and be flagged for rescanning,
which its text lines contradict (real book pages labelled 72 dpi: 139-180 dpi from the
shape, 200-372 from the lines, 300 in truth; ``bench/ocr/realworld.py``). Rendered PDF
pages have an exact resolution and never come here.

The text lines are measured on the middle of the inked width (a slightly skewed page
keeps its lines apart there), without columns that are dark in most rows: the dark
edge of a scanner lid, a book's gutter or a rule would join all lines into one.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

MIN_SIDE_INCHES = 1.9  # a till receipt is 57 mm wide
MAX_SHORT_SIDE_INCHES = 12.0  # A3 is 11.7 in wide
MAX_LONG_SIDE_INCHES = 17.5  # A3 is 16.5 in long, US tabloid 17 in
MIN_BELIEVED_DPI = 50
MAX_DPI = 1200
FALLBACK_DPI = 300
PAPER_RATIOS = (1.2, 1.75)  # Letter 1.29, A series 1.41, Legal 1.65
PAPER_WIDTH_INCHES = 8.27  # A4; Letter (8.5 in) differs by 3 %
TEXT_LINE_INCHES = 0.145  # ink height of a line of 10-12 pt type, ascender to descender
MIN_TEXT_LINES = 5
ANALYSIS_LONG_SIDE = 2000  # pixels of the reduced copy the text lines are measured on
EDGE_ROW_SHARE = 0.6  # a column dark in more of the rows is an edge or a rule, not type
MIDDLE_SHARE = 0.3  # of the inked width, around its centre, where lines are measured
MAX_TESSERACT_SIDE = 32000  # Leptonica and Tesseract refuse sides of 32767 px and more


def plausible(width: int, height: int, dpi: float) -> bool:
    """True when ``dpi`` makes a ``width``×``height`` image a sheet someone could scan."""
    if not MIN_BELIEVED_DPI <= dpi <= MAX_DPI:
        return False
    short, long = sorted((width / dpi, height / dpi))
    return (
        MIN_SIDE_INCHES <= short <= MAX_SHORT_SIDE_INCHES
        and MIN_SIDE_INCHES <= long <= MAX_LONG_SIDE_INCHES
    )


def believable_dpi(image: Image.Image, claimed: float | None) -> int:
    """The claimed resolution when plausible, else one estimated from the image."""
    if claimed and plausible(image.width, image.height, claimed):
        return round(claimed)
    return estimated_dpi(image)


def estimated_dpi(image: Image.Image) -> int:
    """From the text lines, but for a paper-shaped image at least as for an A4-wide
    sheet; else from the paper shape, else ``FALLBACK_DPI``."""
    short, long = sorted(image.size)
    line = text_line_height(image)
    by_lines = _clamped(line / TEXT_LINE_INCHES) if line is not None else None
    if short > 0 and PAPER_RATIOS[0] <= long / short <= PAPER_RATIOS[1]:
        return max(_clamped(short / PAPER_WIDTH_INCHES), by_lines or 0)
    return by_lines if by_lines is not None else FALLBACK_DPI


def text_line_height(image: Image.Image) -> float | None:
    """Median height in pixels of the ink bands of text lines (horizontal projection on
    a reduced copy); None when fewer than ``MIN_TEXT_LINES`` lines are seen."""
    factor = max(1, max(image.size) // ANALYSIS_LONG_SIDE)
    grey = image if image.mode == "L" else image.convert("L")
    small = np.asarray(grey.reduce(factor) if factor > 1 else grey, dtype=np.uint8)
    if small.size == 0:
        return None
    paper = float(np.percentile(small, 90))
    dark = small < paper - max(40.0, (paper - float(small.min())) / 2)
    dark = _middle_of_type(dark[:, dark.mean(axis=0) <= EDGE_ROW_SHARE])
    if dark.size == 0:
        return None
    rows = dark.sum(axis=1) > max(2, dark.shape[1] // 200)
    heights = run_lengths(rows)
    heights = heights[heights >= 3]  # specks and rules are not lines of type
    if heights.size < MIN_TEXT_LINES:
        return None
    return float(np.median(heights)) * factor


def _middle_of_type(dark: np.ndarray) -> np.ndarray:
    """The columns around the centre of the inked width (``MIDDLE_SHARE`` of it)."""
    inked = np.flatnonzero(dark.any(axis=0))
    if inked.size == 0:
        return dark[:, :0]
    left, width = int(inked[0]), int(inked[-1] - inked[0] + 1)
    start = left + int(width * (1 - MIDDLE_SHARE) / 2)
    return dark[:, start : start + max(1, int(width * MIDDLE_SHARE))]


def fit_for_tesseract(image: Image.Image) -> Image.Image:
    """A page wider or taller than Leptonica takes, reduced (and its dpi with it)."""
    longest = max(image.size)
    if longest <= MAX_TESSERACT_SIDE:
        return image
    factor = -(-longest // MAX_TESSERACT_SIDE)
    dpi = int(image.info.get("dpi", (FALLBACK_DPI,))[0])
    reduced = image.reduce(factor)
    reduced.info["dpi"] = (max(1, dpi // factor),) * 2
    return reduced


def run_lengths(flags: np.ndarray) -> np.ndarray:
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return edges[1::2] - edges[0::2]


def _clamped(dpi: float) -> int:
    return int(min(MAX_DPI, max(MIN_BELIEVED_DPI, round(dpi))))
