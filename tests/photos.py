"""Photographs made by the tests: a seeded, photo-like picture (soft light, shapes,
grain; no lines of text), its EXIF, IPTC and XMP written with exiv2, and the copies an
archive ends up with (rescaled, recompressed, lighter, cropped)."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter


def photo_image(seed: int, size: tuple[int, int] = (1200, 800)) -> Image.Image:
    """Soft colour gradients, blurred overlapping shapes and sensor grain."""
    rng = random.Random(seed)
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    channels = []
    for _ in range(3):
        a, b, c = rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(60, 190)
        channels.append(c + 60 * a * xs / width + 60 * b * ys / height)
    picture = Image.fromarray(np.clip(np.dstack(channels), 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(picture)
    for _ in range(14):
        x, y = rng.randrange(width), rng.randrange(height)
        rx, ry = rng.randrange(width // 12, width // 3), rng.randrange(height // 12, height // 3)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=colour)
        else:
            draw.polygon([(x, y - ry), (x + rx, y + ry), (x - rx, y + ry)], fill=colour)
    picture = picture.filter(ImageFilter.GaussianBlur(6))
    grain = np.random.default_rng(seed).normal(0, 6, (height, width, 3))
    noisy = np.clip(np.asarray(picture, dtype=np.float64) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(noisy, "RGB")


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def with_metadata(
    data: bytes, exif: dict[str, Any], iptc: dict[str, Any], xmp: dict[str, Any]
) -> bytes:
    """``data`` (an image file) with EXIF, IPTC and XMP written by exiv2."""
    import pyexiv2

    image = pyexiv2.ImageData(data)
    try:
        image.modify_exif(exif)
        image.modify_iptc(iptc)
        image.modify_xmp(xmp)
        return bytes(image.get_bytes())
    finally:
        image.close()


def variants(image: Image.Image) -> dict[str, bytes]:
    """The copies of one photo an archive collects, as JPEG files."""
    width, height = image.size
    return {
        "verkleinert": jpeg_bytes(image.resize((width // 2, height // 2))),
        "neu_komprimiert": jpeg_bytes(image, quality=30),
        "heller": jpeg_bytes(ImageEnhance.Brightness(image).enhance(1.3)),
        "beschnitten": jpeg_bytes(image.crop((width // 10, height // 10, width, height))),
    }


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
