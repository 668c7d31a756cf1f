"""Handler for scanned images (PNG, JPEG, TIFF, GIF, BMP, WebP); a multi-page TIFF
batch with separator sheets holds one letter per part."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PIL import Image

from eakte import media_types
from eakte.handlers import SignatureFormat, Split, TextLayer
from eakte.record import Manifest
from ingest import images
from ingest.scan_facts import image_scan_facts

if TYPE_CHECKING:
    from eakte.context import Context


@dataclass(frozen=True)
class ImageHandler:
    max_pages: int
    max_pixels: int
    name: ClassVar[str] = "image"
    media_types: ClassVar[frozenset[str]] = media_types.IMAGES
    signature_format: ClassVar[SignatureFormat | None] = None
    keeps_born_digital_pages: ClassVar[bool] = False

    def read_text(self, path: Path) -> TextLayer:
        """No text without OCR: one empty page per frame; the scanner and scan time the
        file states, for the Transfervermerk."""
        frames = images.count_frames(path, max_pixels=self.max_pixels, max_pages=self.max_pages)
        return TextLayer([""] * frames, fields=image_scan_facts(path))

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        return images.load_frame(path, index, max_pixels=self.max_pixels)

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        # Separator-sheet detection pulls in Tesseract, OpenCV, zxing and pikepdf: only
        # when a batch is split, not at every CLI start.
        from ingest.batch_split import write_tiff_frames
        from ingest.scan_batch import split_batch

        return split_batch(
            self, manifest, ctx, folder, write_pages=write_tiff_frames, suffix=".tif"
        )
