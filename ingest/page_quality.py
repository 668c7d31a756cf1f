"""Quality control for replacement scanning: is a scanned page fit to replace the paper?

BSI TR-RESISCAN asks that every page is checked before the paper may be destroyed. The
check runs on every scanned page, so it looks at a reduced copy (~100 dpi, a box filter
that also fades single-pixel dust) and computes everything from one histogram and one
ink mask with numpy.

The measures, and why they are robust:

- ``paper`` (internal) is the 90th luminance percentile: at least nine tenths of any
  letter is paper, and a grey recycled sheet or an underexposed scan moves it along.
- ``contrast`` is paper minus the luminance of the darkest 0.03 % of pixels (about 20 mm²
  on A4, one word at 11 pt): how dark the strokes are, not how much is written, so a
  page with one line scores like a full one. Faded, washed-out text scores low.
- ``ink`` is the share of pixels darker than midway between paper and those strokes, but
  never less than ``MIN_INK_DELTA`` below paper, so scanner grain and the faint mirrored
  show-through of a back side never count; ink pixels without an ink neighbour (dust)
  are dropped.
- ``brightness`` is the mean luminance.

Measured on generated A4 pages with grain (``tests/unit/test_page_quality.py``), at
300 dpi the ink share is ≤ 0.001 % for grain and show-through, 0.024 % for a blank page
with 30 dust specks of 0.3-0.8 mm, 0.06 % for a 3 cm handwritten scribble, 0.09 % for
one typed line and about 6 % for a full letter; so ``blank_page_max_ink`` belongs near
0.0004. Doubtful pages then come out as not blank, which keeps them. CPU time per page
(L mode): about 8 ms at 300 dpi and 2.5 ms at 150 dpi.

Blank versus "too light or nearly empty": a page is *blank* when its ink share is at most
``blank_max_ink`` and it is not too dark (a black sheet is not empty paper). A blank page
is no rescan reason: it is the back of a simplex letter, and ``drop_blank_pages`` decides
about it. A page with *some* ink on paper that is almost pure white on average (mean
above ``max_brightness``) is flagged "zu hell oder fast leer": a scanner that clips the
paper to white also washes out light text, and a person should look. Contrast and OCR
confidence are not judged on blank pages, which have neither strokes nor text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from PIL import Image

from eakte.settings import RescanThresholds
from ingest import geometry

WORK_DPI = 100
PAPER_PERCENTILE = 0.90
STROKE_SHARE = 0.0003
MIN_INK_DELTA = 0.15
MIN_NEIGHBOURS = 2


# The thresholds are a settings group (``settings.ocr.rescan``);
# ``QualityThresholds.from_settings(settings)`` builds them on their own.
QualityThresholds = RescanThresholds


@dataclass(frozen=True)
class PageQuality:
    """Measures of one page (luminance 0 black .. 1 white) and why to rescan it, in German."""

    brightness: float
    contrast: float
    ink: float
    blank: bool
    rescan: list[str] = field(default_factory=list)


def assess_page(
    image: Image.Image,
    *,
    dpi: int,
    thresholds: QualityThresholds,
    ocr_confidence: float | None = None,
) -> PageQuality:
    """Measure a scanned page and list the reasons it should be scanned again.

    ``dpi`` is the scan's resolution (it decides the reduction and the dpi check);
    ``ocr_confidence`` the page's mean Tesseract confidence, if it was read by OCR.
    """
    if image.width <= 0 or image.height <= 0:
        raise ValueError("page image has no pixels")
    luminance = _work_copy(image, dpi)
    histogram = np.bincount(luminance.ravel(), minlength=256)
    brightness = float(np.dot(histogram, np.arange(256))) / (luminance.size * 255)
    paper = _percentile(histogram, PAPER_PERCENTILE)
    strokes = _percentile(histogram, STROKE_SHARE)
    contrast = max(0.0, paper - strokes)
    ink = _ink_share(luminance, paper - max(contrast / 2, MIN_INK_DELTA))
    blank = ink <= thresholds.blank_max_ink and brightness >= thresholds.min_brightness
    reasons = _reasons(thresholds, dpi=dpi, brightness=brightness, contrast=contrast, blank=blank)
    if ocr_confidence is not None and not blank and ocr_confidence < thresholds.min_confidence:
        reasons.append(
            f"Texterkennung unsicher (Konfidenz {ocr_confidence:.0f} "
            f"unter {thresholds.min_confidence:.0f})"
        )
    return PageQuality(
        brightness=round(brightness, 4),
        contrast=round(contrast, 4),
        ink=round(ink, 6),
        blank=blank,
        rescan=reasons,
    )


def _reasons(
    thresholds: QualityThresholds, *, dpi: int, brightness: float, contrast: float, blank: bool
) -> list[str]:
    reasons: list[str] = []
    if dpi < thresholds.min_dpi:
        reasons.append(f"Auflösung {dpi} dpi unter {thresholds.min_dpi} dpi")
    if brightness < thresholds.min_brightness:
        reasons.append("Seite zu dunkel")
    elif not blank and brightness > thresholds.max_brightness:
        reasons.append("Seite zu hell oder fast leer")
    if not blank and contrast < thresholds.min_contrast:
        reasons.append("zu wenig Kontrast")
    return reasons


def _work_copy(image: Image.Image, dpi: int) -> npt.NDArray[np.uint8]:
    """Grayscale at about ``WORK_DPI``; ``reduce`` averages boxes, fading single specks."""
    gray = image if image.mode == "L" else image.convert("L")
    factor = max(1, int(dpi / WORK_DPI + 0.5))
    if factor > 1 and min(gray.size) >= 2 * factor:
        gray = gray.reduce(factor)
    return np.asarray(gray, dtype=np.uint8)


def _percentile(histogram: npt.NDArray[np.int64], share: float) -> float:
    """Luminance (0..1) below which ``share`` of the pixels lie, from the histogram."""
    cumulative = np.cumsum(histogram)
    index = int(np.searchsorted(cumulative, share * cumulative[-1], side="right"))
    return min(index, 255) / 255


def _ink_share(luminance: npt.NDArray[np.uint8], threshold: float) -> float:
    """Share of dark pixels that touch another dark pixel (8-neighbourhood)."""
    dark = luminance < threshold * 255
    if not dark.any():
        return 0.0
    touching = dark & (geometry.inked_neighbours(dark) >= MIN_NEIGHBOURS)
    return float(np.count_nonzero(touching)) / dark.size
