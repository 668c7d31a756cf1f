"""Which resolution to believe for a page image, before OCR and the rescan check use it.

A file's "dpi" is often wrong: cameras and phones write 72 dpi into every JPEG, image
editors keep whatever they were given, a PDF may place a 40000-pixel strip on a page a
few inches wide. Believing it flags every photographed letter for rescanning ("72 dpi
unter 200 dpi"), turns millimetre thresholds (ink box margins, skew analysis) into the
wrong number of pixels, and hands Tesseract resolutions it refuses. So a claimed
resolution is believed only when it makes the image a plausible sheet of paper (from a
receipt or an A6 card to A3). Otherwise the image's shape decides: a paper-shaped image
(A series, Letter, Legal) is taken to be A4 or Letter wide; and when even that is not
plausible (a strip, a cut-out), the height of the text lines tells (body type is
10-12 pt). Rendered PDF pages have an exact resolution and never come here.
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
    """From the paper shape, else from the text lines, else ``FALLBACK_DPI``."""
    short, long = sorted(image.size)
    if short > 0 and PAPER_RATIOS[0] <= long / short <= PAPER_RATIOS[1]:
        return _clamped(short / PAPER_WIDTH_INCHES)
    line = text_line_height(image)
    if line is not None:
        return _clamped(line / TEXT_LINE_INCHES)
    return FALLBACK_DPI


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
    rows = dark.sum(axis=1) > max(2, dark.shape[1] // 200)
    heights = run_lengths(rows)
    heights = heights[heights >= 3]  # specks and rules are not lines of type
    if heights.size < MIN_TEXT_LINES:
        return None
    return float(np.median(heights)) * factor


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
