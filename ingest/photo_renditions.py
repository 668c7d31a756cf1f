"""Derived images of a photograph, made with libvips (``pyvips``): a thumbnail for
result lists and a Deep Zoom (DZI) tile pyramid for a zoomable viewer (OpenSeadragon
reads it as is). The original is only read; renditions can be made again any time.

libvips shrinks while it decodes (a JPEG at 1/8 scale, TIFF from its pyramid), so a
thumbnail of a 40-megapixel scan never holds the full image in memory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from eakte.errors import ToolFailed

THUMBNAIL_SIDE = 512
TILE_SIZE = 254  # with overlap 1: 256-pixel tiles, OpenSeadragon's default
THUMBNAIL = "thumbnail.jpg"
DEEP_ZOOM = "preview.dzi"  # its tiles under preview_files/<level>/<col>_<row>.jpg
VIPS_PROPERTIES = "vips-properties.xml"  # libvips' dump of the image's metadata: not a tile


def photo_renditions(path: Path) -> dict[str, bytes]:
    """The thumbnail and the Deep Zoom descriptor with all its tiles, by relative name."""
    import pyvips

    try:
        thumbnail = pyvips.Image.thumbnail(str(path), THUMBNAIL_SIDE, size="down")
        made = {THUMBNAIL: _srgb(thumbnail).jpegsave_buffer(Q=85, strip=True)}
        image = _srgb(pyvips.Image.new_from_file(str(path), access="sequential"))
        with tempfile.TemporaryDirectory(prefix="eakte-dzi-") as folder:
            base = Path(folder) / Path(DEEP_ZOOM).stem
            image.dzsave(str(base), suffix=".jpg[Q=80,strip]", tile_size=TILE_SIZE, overlap=1)
            for file in sorted(Path(folder).rglob("*")):
                if file.is_file() and file.name != VIPS_PROPERTIES:
                    made[file.relative_to(folder).as_posix()] = file.read_bytes()
    except pyvips.Error as exc:
        raise ToolFailed(f"Vorschaubilder ließen sich nicht erzeugen: {_first_line(exc)}") from exc
    return made


def _srgb(image: Any) -> Any:
    """8-bit sRGB (or grey), what browsers show: CMYK, 16-bit and Lab are converted."""
    if image.interpretation not in ("srgb", "b-w"):
        image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar") if image.max() <= 255 else (image / 257).cast("uchar")
    return image


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
