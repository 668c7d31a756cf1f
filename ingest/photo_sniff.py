"""Is this image a photograph (looked at, described) or a page of text (read by OCR)?

The decision is made on the pixels, by the one thing that makes a page a page: rows of
character-sized marks. The image is shrunk to at most 1200 pixels, binarised against
its local mean, and its connected components are measured; a component counts as a
character when its height is 0.4–4 % of the long side and its shape is letter-like, and
as *aligned* when at least three characters of similar height sit on the same baseline
within a few character heights. A page has many aligned characters, and most of its
characters are aligned; a photograph's texture (grass, gravel, faces) makes character-
sized blobs too, but they do not line up (measured in ``bench/media/photos.py``: real
historical pages and generated scans vs. scikit-image's photographs).

What is *not* used, and why:

- Camera EXIF (make, model): a phone photographing a letter writes it too, and that
  letter must still be read by OCR.
- Colourfulness and tone: colour scans of yellowed paper are as colourful as many
  photographs, and archive photographs are often black and white.
- Container formats (HEIC): Pillow cannot read them without a plugin, and a HEIC file
  may hold a photographed letter just the same.

A page fed sideways is looked at turned by 90° too. In doubt an image is a page: OCR of
a photograph costs time, a letter filed as a photo would lose its text. Nearly uniform
images (a blank page) and multi-page TIFFs (scan batches) are pages without looking
further.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image

SIDE = 1200  # pixels: 11 pt text of an A4 page is still ~13 px high
MAX_PIXELS = 60_000_000  # larger images are taken for pages without decoding them
MIN_ALIGNED = 20  # characters on a shared baseline: a two-line note has more
MIN_ALIGNED_SHARE = 0.25  # of the character-sized marks; textures stay below 0.1
SURE_ALIGNED = 400  # this many aligned characters is a page whatever else is there
MIN_CONTRAST = 12.0  # grey standard deviation; below it the image is (nearly) blank


def looks_like_photograph(data: bytes) -> bool:
    """True when the image in ``data`` shows no lines of text (see the module doc);
    False for pages, blank images, scan batches and anything Pillow cannot open."""
    grey = _small_grey(data)
    if grey is None or float(grey.std()) < MIN_CONTRAST:
        return False
    # a page fed sideways has its lines running down: look at it turned as well
    return not any(_has_lines(view) for view in (grey, np.ascontiguousarray(np.rot90(grey))))


def _has_lines(grey: np.ndarray) -> bool:
    aligned, characters = aligned_characters(grey)
    if aligned >= SURE_ALIGNED:
        return True
    return aligned >= MIN_ALIGNED and aligned >= MIN_ALIGNED_SHARE * characters


def _small_grey(data: bytes) -> np.ndarray | None:
    """The first frame, grey, at most ``SIDE`` pixels; None for multi-page files and
    files that do not open (the page handler then says what is wrong with them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            image = Image.open(io.BytesIO(data))
            if getattr(image, "n_frames", 1) > 1 and image.format == "TIFF":
                return None
            if image.width * image.height > MAX_PIXELS:
                return None
            image.draft("L", (SIDE, SIDE))  # JPEG: decode at 1/2…1/8 scale, far faster
            grey = image.convert("L")
            grey.thumbnail((SIDE, SIDE))
            return np.asarray(grey)
        except Exception:
            return None


def aligned_characters(grey: np.ndarray) -> tuple[int, int]:
    """(aligned characters, character-sized marks) of a grey image (module doc)."""
    import cv2  # ~0.15 s to import: only when an image is sniffed

    ink = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = stats[1:]
    side = max(grey.shape)
    width, height, area = stats[:, 2], stats[:, 3], stats[:, 4]
    letter = (
        (height >= 0.004 * side)
        & (height <= 0.04 * side)
        & (width <= 3 * height)
        & (width >= 0.1 * height)
        & (area >= 0.1 * width * height)
    )
    heights = height[letter].astype(np.float64)
    baselines = (stats[letter, 1] + height[letter]).astype(np.float64)
    centres = (stats[letter, 0] + width[letter] / 2).astype(np.float64)
    aligned = 0
    for h, base, centre in zip(heights, baselines, centres, strict=True):
        near = (
            (np.abs(baselines - base) < 0.25 * h)
            & (np.abs(centres - centre) < 2.5 * h)
            & (np.abs(heights - h) < 0.5 * h)
        )
        aligned += int(near.sum() >= 4)  # itself and three neighbours
    return aligned, int(letter.sum())
