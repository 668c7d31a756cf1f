"""Pillow adapter: scanned images (PNG, JPEG, GIF, BMP, WebP, single- and multi-page TIFF).

Sizes are checked from the header before any pixel is decoded, so a decompression
bomb is refused without allocating it. Pillow signals broken files with many exception
types (OSError, SyntaxError, TypeError, KeyError, struct errors…), so this adapter
turns any exception raised while *parsing* into ``CorruptInput``; nothing else runs
inside that guard.

Every colour model Pillow opens becomes grey (``to_grey``): CIELab by its lightness
channel, 16-bit and float samples scaled instead of clipped to white, transparency laid
on white paper. A frame Pillow cannot decode is tried once more with OpenCV, which
reads some TIFF compressions and sample layouts Pillow does not. Only TIFF holds pages;
the other frames of an animated PNG, GIF or WebP are animation, not pages. The claimed
resolution is checked against the image's size (``ingest.resolution``).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from eakte.errors import CorruptInput, EakteError, LimitExceeded
from ingest.resolution import believable_dpi, plausible

PAGED_FORMATS = frozenset({"TIFF"})  # other multi-frame formats are animations
_WIDE_SAMPLES = frozenset({"I", "F", "I;16", "I;16B", "I;16L", "I;16N"})


@contextlib.contextmanager
def _pillow_errors(what: str) -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except EakteError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise LimitExceeded("Bild ist zu groß (Verdacht auf Dekompressionsbombe)") from exc
        except Exception as exc:
            raise CorruptInput(f"{what} ist beschädigt oder unvollständig") from exc


@contextlib.contextmanager
def open_image(path: Path, *, max_pixels: int) -> Iterator[Image.Image]:
    """Open an image lazily (header only) and check its size."""
    with _pillow_errors("Bilddatei"):
        image = Image.open(path)
    try:
        _check_pixels(image, max_pixels)
        yield image
    finally:
        image.close()


def count_frames(path: Path, *, max_pixels: int, max_pages: int) -> int:
    with open_image(path, max_pixels=max_pixels) as image, _pillow_errors("Bilddatei"):
        paged = image.format in PAGED_FORMATS
        frames = int(getattr(image, "n_frames", 1)) if paged else 1
    if frames > max_pages:
        raise LimitExceeded(f"Bild hat {frames} Seiten, erlaubt sind höchstens {max_pages}")
    return frames


def load_frame(path: Path, index: int, *, max_pixels: int) -> Image.Image:
    """Decode one frame (page) as grayscale, with a resolution worth believing."""
    try:
        with (
            open_image(path, max_pixels=max_pixels) as image,
            _pillow_errors(f"Bildseite {index + 1}"),
        ):
            image.seek(index)
            _check_pixels(image, max_pixels)
            claimed = _claimed_dpi(image)
            frame = to_grey(image)
    except CorruptInput:
        frame, claimed = _opencv_frame(path, index, max_pixels), None
    dpi = believable_dpi(frame, claimed)
    frame.info["dpi"] = (dpi, dpi)
    return frame


def to_grey(image: Image.Image) -> Image.Image:
    """An 8-bit grey copy of any frame Pillow opens (why each case: module doc)."""
    mode = image.mode
    if mode == "LAB":
        return image.getchannel(0)  # L* is lightness: the grey a copier would print
    if mode in _WIDE_SAMPLES:
        return _scaled_to_bytes(image)
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    try:
        return image.convert("L")
    except ValueError:
        return image.convert("RGB").convert("L")


def _scaled_to_bytes(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float samples to 0..255 by their range (Pillow clips them)."""
    samples = np.asarray(image, dtype=np.float64)
    if image.mode == "F" and samples.size and np.nanmax(samples) <= 1.0:
        top = 1.0
    elif image.mode.startswith("I;16") or (samples.size and np.nanmax(samples) > 255):
        top = 65535.0 if not samples.size or np.nanmax(samples) <= 65535 else np.nanmax(samples)
    else:
        top = 255.0
    scaled = np.rint(np.nan_to_num(samples / top * 255.0)).clip(0, 255).astype(np.uint8)
    return Image.fromarray(scaled, mode="L")


def _opencv_frame(path: Path, index: int, max_pixels: int) -> Image.Image:
    """The frame as OpenCV reads it (any depth, grey); ``CorruptInput`` if it cannot.
    OpenCV is imported here, on this rare path: it costs every CLI start ~0.15 s."""
    import cv2

    flags = cv2.IMREAD_GRAYSCALE | cv2.IMREAD_ANYDEPTH
    try:
        ok, frames = cv2.imreadmulti(str(path), flags=flags, start=index, count=1)
    except cv2.error:
        ok, frames = False, []
    if not ok or not frames:
        raise CorruptInput(f"Bildseite {index + 1} ist beschädigt oder unvollständig")
    pixels = frames[0]
    if pixels.dtype != np.uint8:
        top = float(pixels.max()) or 1.0
        pixels = (pixels.astype(np.float64) / max(top, 255.0) * 255.0).astype(np.uint8)
    frame = Image.fromarray(pixels, mode="L")
    _check_pixels(frame, max_pixels)
    return frame


def decode_jpeg(
    data: bytes, *, max_pixels: int, page_width_inches: float, draft_dpi: int | None = None
) -> Image.Image:
    """A scanned JPEG (taken out of a PDF page) as grayscale, with its resolution from the
    page width; ``draft_dpi`` lets libjpeg decode at 1/2, 1/4 or 1/8 scale, far faster."""
    with _pillow_errors("Seitenbild"):
        image = Image.open(io.BytesIO(data))
    try:
        _check_pixels(image, max_pixels)
        dpi = max(1, round(image.width / page_width_inches))
        with _pillow_errors("Seitenbild"):
            if draft_dpi is not None and draft_dpi < dpi:
                scale = draft_dpi / dpi
                image.draft("L", (round(image.width * scale), round(image.height * scale)))
                dpi = max(1, round(image.width / page_width_inches))
            frame = to_grey(image)
    finally:
        image.close()
    if not plausible(frame.width, frame.height, dpi):  # a strip placed on a small page
        dpi = believable_dpi(frame, None)
    frame.info["dpi"] = (dpi, dpi)
    return frame


def _check_pixels(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise CorruptInput("Bild hat keine gültige Größe")
    if width * height > max_pixels:
        limit = f"{max_pixels:,}".replace(",", ".")
        raise LimitExceeded(f"Bild hat {width}×{height} Pixel, erlaubt sind höchstens {limit}")


def _claimed_dpi(image: Image.Image) -> float | None:
    """The resolution the file claims, if it names one."""
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        return None
    return value if value > 0 else None
