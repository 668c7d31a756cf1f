"""Pillow adapter: scanned images (PNG, JPEG, single- and multi-page TIFF).

Sizes are checked from the header before any pixel is decoded, so a decompression
bomb is refused without allocating it. Pillow signals broken files with many exception
types (OSError, SyntaxError, TypeError, KeyError, struct errors…), so this adapter
turns any exception raised while *parsing* into ``CorruptInput``; nothing else runs
inside that guard.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from eakte.errors import CorruptInput, EakteError, LimitExceeded

DEFAULT_DPI = 300


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
        frames = int(getattr(image, "n_frames", 1))
    if frames > max_pages:
        raise LimitExceeded(f"Bild hat {frames} Seiten, erlaubt sind höchstens {max_pages}")
    return frames


def load_frame(path: Path, index: int, *, max_pixels: int) -> Image.Image:
    """Decode one frame (page) as grayscale, keeping its resolution for OCR."""
    with (
        open_image(path, max_pixels=max_pixels) as image,
        _pillow_errors(f"Bildseite {index + 1}"),
    ):
        image.seek(index)
        _check_pixels(image, max_pixels)
        dpi = _dpi_of(image)
        frame = image.convert("L")
    frame.info["dpi"] = (dpi, dpi)
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
            frame = image.convert("L")
    finally:
        image.close()
    frame.info["dpi"] = (dpi, dpi)
    return frame


def _check_pixels(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise CorruptInput("Bild hat keine gültige Größe")
    if width * height > max_pixels:
        limit = f"{max_pixels:,}".replace(",", ".")
        raise LimitExceeded(f"Bild hat {width}×{height} Pixel, erlaubt sind höchstens {limit}")


def _dpi_of(image: Image.Image) -> int:
    """Scanner resolution from the file; Tesseract misreads pages when it has to guess."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if 50 <= value <= 2400 else DEFAULT_DPI
