"""Handler for PDF letters: born-digital, scanned or mixed; a scanned batch with
separator sheets holds one letter per part."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PIL import Image

from eakte import media_types
from eakte.handlers import SignatureFormat, Split, TextLayer
from eakte.record import Manifest
from ingest import pdf
from ingest.scan_batch import split_batch

if TYPE_CHECKING:
    from eakte.context import Context


@dataclass(frozen=True)
class PdfHandler:
    max_pages: int
    max_pixels: int
    name: ClassVar[str] = "pdf"
    media_types: ClassVar[frozenset[str]] = frozenset({media_types.PDF})
    signature_format: ClassVar[SignatureFormat | None] = "pdf"
    keeps_born_digital_pages: ClassVar[bool] = True

    def read_text(self, path: Path) -> TextLayer:
        return TextLayer(pdf.read_text_layer(path, max_pages=self.max_pages))

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        """A scanner's full-page JPEG is decoded directly; other pages are rendered."""
        scan = pdf.scanned_page_image(
            path,
            index,
            max_pages=self.max_pages,
            max_pixels=self.max_pixels,
            draft_dpi=dpi if draft else None,
        )
        if scan is not None:
            return scan
        return pdf.render_page(
            path, index, dpi=dpi, max_pages=self.max_pages, max_pixels=self.max_pixels
        )

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        from ingest.batch_split import write_pdf_pages  # pikepdf: import late

        return split_batch(self, manifest, ctx, folder, write_pages=write_pdf_pages, suffix=".pdf")
