"""Printed separator sheets without a barcode: a keyword ("TRENNBLATT") on an
otherwise empty page, as offices print them from a word processor.

OCR is the expensive step, so it runs only on pages that are nearly empty: some ink
(a blank page is no sheet) in at most ``MAX_MARKS`` connected marks, where a letter page
has a thousand and more; counting them on the low-resolution copy takes a few
milliseconds (text lines are no measure: on a skewed page they merge into one band).
The page is read as it lies and, if the keyword is not found, turned
over (a sheet fed upside down). OCR may misread one letter of large type, so a word
within one edit of the keyword counts, and the keyword split in two ("TRENN BLATT")
too.
"""

from __future__ import annotations

import re
from itertools import pairwise

import cv2
import numpy as np
from PIL import Image

from ingest.tesseract import TesseractOcr

MAX_MARKS = 80  # a few words of large type
MIN_MARK_PIXELS = 6  # scanner grain and dust are smaller
SPARSE_TEXT = 11  # Tesseract's page segmentation mode for a few words anywhere


def is_keyword_sheet(image: Image.Image, keyword: str, ocr: TesseractOcr) -> bool:
    """True when the nearly empty page carries ``keyword``, upright or upside down."""
    wanted = _letters(keyword)
    box = marks_box(image) if wanted else None
    if box is None:
        return False
    part = image.crop(box)  # OCR costs by area: only where the marks are
    for turned in (part, part.rotate(180)):
        turned.info["dpi"] = image.info.get("dpi", (150, 150))
        if has_keyword(ocr.recognize(turned).text, wanted):
            return True
    return False


def nearly_empty(image: Image.Image) -> bool:
    return marks_box(image) is not None


def marks_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The box around the page's marks (glyphs; specks of a few pixels aside) when
    there are at most ``MAX_MARKS`` of them: a letter page has a thousand and more, a
    separator sheet a few dozen. None for a page that is blank or not nearly empty."""
    grey = np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.uint8)
    if grey.size == 0:
        return None
    paper = float(np.percentile(grey, 90))
    if paper - float(grey.min()) < 60:  # nothing darker than the paper: blank
        return None
    dark = (grey < (paper + float(grey.min())) / 2).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    marks = stats[1:count][stats[1:count, cv2.CC_STAT_AREA] >= MIN_MARK_PIXELS]
    if not 0 < len(marks) <= MAX_MARKS:
        return None
    margin = max(8, grey.shape[1] // 50)
    left = int(marks[:, cv2.CC_STAT_LEFT].min()) - margin
    top = int(marks[:, cv2.CC_STAT_TOP].min()) - margin
    right = int((marks[:, cv2.CC_STAT_LEFT] + marks[:, cv2.CC_STAT_WIDTH]).max()) + margin
    bottom = int((marks[:, cv2.CC_STAT_TOP] + marks[:, cv2.CC_STAT_HEIGHT]).max()) + margin
    height, width = grey.shape
    return max(0, left), max(0, top), min(width, right), min(height, bottom)


def has_keyword(text: str, wanted: str) -> bool:
    """The keyword as a word (one OCR slip allowed) or split over two words."""
    words = [_letters(word) for word in text.split()]
    words = [word for word in words if word]
    pairs = [a + b for a, b in pairwise(words)]
    slack = 1 if len(wanted) >= 6 else 0
    return any(_distance(word, wanted) <= slack for word in (*words, *pairs))


def _letters(text: str) -> str:
    return re.sub(r"[^A-ZÄÖÜ]", "", text.upper())


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only: the keyword is one word)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]
