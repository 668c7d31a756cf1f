"""Page geometry before OCR: how far a scan is skewed, whether it lies upside down, and
turning it straight.

Skew is estimated by projection profiles on a reduced copy of the page: the angle at
which the dark pixels fall into the fewest, fullest rows is the angle of the text
lines. It needs no rotation of the image per candidate angle, only a rotation of the
dark pixels' coordinates, so it costs ~10 ms per A4 page. The ``deskew`` package took
0.2-0.6 s at quarter to half resolution and answered in whole degrees (2.5° came back
as 2° or 3°); this estimate was within 0.1° on the same pages (bench/ocr).

Upside down is told from the same kind of profile, one text line at a time: Latin
script has far more ascenders and capitals (b, d, f, h, k, l, t, every German noun)
than descenders (g, j, p, q, y), so more ink lies above a line's x-height band than
below it. Turned over, that flips. On the 48 benchmark pages upright pages scored
+0.27 to +0.77 and the five upside-down ones -0.32 to -0.74 (``bench/ocr/page_steps.py``),
for ~9 ms a page; Tesseract's OSD needs ~0.7 s. The check only decides which way the
page is read first: a page that still reads badly is asked of OSD (``ingest.pages``).
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

MAX_SKEW_DEGREES = 5.0  # flatbed and ADF scans; larger angles are layout, not skew
STEP_DEGREES = 0.1
MIN_CORRECTION_DEGREES = 0.3  # below this, rotating costs more than it gains
ANALYSIS_WIDTH = 620  # pixels: ~75 dpi for A4, enough to see text lines
DARK = 128

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels

LINE_DPI = 150  # enough to see ascenders of 10 pt type (~4 px at 150 dpi)
MIN_LINES = 5  # fewer text lines say too little about which way is up
CORE_SHARE = 0.5  # rows of a line this full (of its fullest row) are its x-height band
UPSIDE_DOWN_BELOW = -0.15  # upright letters scored >= 0.26, upside-down ones <= -0.28

INK_BOX_DPI = 75
INK_DELTA = 0.15  # this much darker than the paper (box-averaged) counts as ink
INK_BOX_MARGIN_MM = 5.0

# Pages run in parallel processes, one core each (``ingest.pages``); OpenCV's own thread
# pool would only make them fight over the cores.
cv2.setNumThreads(1)


def estimate_skew(image: Image.Image) -> float:
    """Degrees counter-clockwise the text lines are turned (rotate by the negative to
    straighten); 0.0 when the page holds too little text to tell."""
    factor = max(1, image.width // ANALYSIS_WIDTH)
    ys, xs = _dark_pixels(image, factor)
    if ys.size < 200:  # a blank page or a few specks
        return 0.0
    best_angle, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, STEP_DEGREES):
        counts = _row_profile(ys, xs, float(angle))
        score = float(np.dot(counts, counts))  # sharp line peaks score highest
        if score > best_score:
            best_angle, best_score = float(angle), score
    return round(best_angle, 2)


def ascender_balance(image: Image.Image) -> float | None:
    """(ink above the x-height bands − ink below) / both, over the page's text lines:
    positive for upright Latin text, negative upside down; None with too few lines.
    The page must be straight already (``straighten``), or its lines blur together."""
    dpi = int(image.info.get("dpi", (300, 300))[0])
    ys, xs = _dark_pixels(image, max(1, round(dpi / LINE_DPI)))
    if ys.size < 200:
        return None
    counts = _row_profile(ys, xs, 0.0)
    occupied = np.concatenate(([0], (counts > 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(occupied))
    above = below = 0.0
    lines = 0
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        line = counts[start:stop]
        if line.size < 4:  # a rule or a speck, not a line of text
            continue
        core = np.flatnonzero(line >= CORE_SHARE * line.max())
        above += float(line[: core[0]].sum())
        below += float(line[core[-1] + 1 :].sum())
        lines += 1
    if lines < MIN_LINES or above + below == 0:
        return None
    return (above - below) / (above + below)


def looks_upside_down(image: Image.Image) -> bool:
    balance = ascender_balance(image)
    return balance is not None and balance < UPSIDE_DOWN_BELOW


def ink_box(image: Image.Image) -> Box:
    """(left, top, right, bottom) of everything darker than the paper, plus a margin of
    white; the whole page when nothing is.

    Measured on a copy reduced to ~75 dpi: its 4x4 averages fade scanner grain, and a
    stroke of 3 px at 300 dpi (0.25 mm, the stem of 10 pt type) as dark as Tesseract's
    binarisation keeps (grey 140 and darker) still stands out. Averaging over 2x2 kept
    the grain of the benchmark pages and so the whole page. A box without a dark
    neighbour is a speck of dust, not writing (a stroke of a page number is taller than
    one box); larger dust only makes the box larger. A box too small loses nothing but
    text in the margin the OCR does not read: the page image stays whole."""
    dpi = int(image.info.get("dpi", (300, 300))[0])
    factor = max(1, round(dpi / INK_BOX_DPI))
    grey = image if image.mode == "L" else image.convert("L")
    small = grey.reduce(factor) if factor > 1 else grey
    cumulative = np.cumsum(small.histogram())
    paper = float(np.searchsorted(cumulative, 0.90 * cumulative[-1]))
    dark = np.asarray(small, dtype=np.uint8) < paper - INK_DELTA * 255
    ink = dark & (inked_neighbours(dark) > 0)
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return (0, 0, image.width, image.height)
    margin = round(INK_BOX_MARGIN_MM / 25.4 * dpi)
    return (
        max(0, int(columns[0]) * factor - margin),
        max(0, int(rows[0]) * factor - margin),
        min(image.width, (int(columns[-1]) + 1) * factor + margin),
        min(image.height, (int(rows[-1]) + 1) * factor + margin),
    )


def straighten(image: Image.Image, skew: float) -> Image.Image:
    """The page rotated by ``-skew`` on white paper, same size and resolution.

    OpenCV's bilinear warp: 22 ms for an A4 page at 300 dpi, Pillow's ``rotate`` 104 ms,
    and Tesseract reads both as well (``bench/ocr/page_steps.py``)."""
    grey = np.asarray(image if image.mode == "L" else image.convert("L"))
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -skew, 1.0)
    warped = cv2.warpAffine(
        grey,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    turned = Image.fromarray(warped)
    turned.info["dpi"] = image.info.get("dpi", (300, 300))
    return turned


def turn(image: Image.Image, degrees: int) -> Image.Image:
    """Rotate by a multiple of 90° clockwise (what OSD asks for), losslessly."""
    transpose = {
        90: Image.Transpose.ROTATE_270,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }
    if degrees % 360 == 0:
        return image
    turned = image.transpose(transpose[degrees % 360])
    turned.info["dpi"] = image.info.get("dpi", (300, 300))
    return turned


def _dark_pixels(
    image: Image.Image, factor: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    small = np.asarray(image.convert("L").reduce(factor), dtype=np.uint8)
    ys, xs = np.nonzero(small < DARK)
    return ys.astype(np.float64), xs.astype(np.float64)


def _row_profile(
    ys: npt.NDArray[np.float64], xs: npt.NDArray[np.float64], angle: float
) -> npt.NDArray[np.float64]:
    """Dark pixels per row once the page is turned by ``angle`` degrees."""
    theta = np.deg2rad(angle)
    rows = np.rint(ys * np.cos(theta) + xs * np.sin(theta)).astype(np.int64)
    return np.bincount(rows - rows.min()).astype(np.float64)


def inked_neighbours(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]:
    """For every pixel, how many of its 8 neighbours are set in ``mask``: what tells a
    stroke (neighbours) from a speck of dust (none), here and in ``page_quality``."""
    padded = np.pad(mask, 1)
    height, width = mask.shape
    counts = np.zeros(mask.shape, dtype=np.uint8)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            if dy != 1 or dx != 1:
                counts += padded[dy : dy + height, dx : dx + width]
    return counts
