"""Handler for PDF letters: born-digital, scanned or mixed; a scanned batch with
separator sheets holds one letter per part.

pdfium reads and draws; what it refuses (a damaged file, a page it cannot draw, an
encrypted file) is asked of poppler (``ingest.poppler``) before the record is refused, so
nothing poppler reads is quarantined. pdfium tries no password, poppler also tries the
empty one as the owner password: a file with a user password but an empty owner password
opens for anyone and is stored; one poppler cannot open either stays refused as
encrypted. Limits are final: poppler would say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PIL import Image

from eakte import media_types
from eakte.errors import CorruptInput, EncryptedInput
from eakte.handlers import SignatureFormat, Split, TextLayer
from eakte.record import Manifest
from ingest import pdf, poppler
from ingest.scan_facts import pdf_scan_facts

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
        """The text layer; with a page without text (a scan) also what the file says
        of its scanner and scan time, for the Transfervermerk."""
        try:
            texts, fields = pdf.read_text_layer(path, max_pages=self.max_pages), {}
        except (CorruptInput, EncryptedInput) as refused:
            texts, fields = self._poppler_text(path, refused), {"reader": "poppler"}
        if any(not text.strip() for text in texts):
            fields.update(pdf_scan_facts(path))
        return TextLayer(texts, fields=fields)

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        """A scanner's full-page JPEG is decoded directly; other pages are rendered."""
        try:
            return self._pdfium_image(path, index, dpi, draft)
        except (CorruptInput, EncryptedInput) as refused:
            return self._poppler_image(path, index, dpi, refused)

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        # pikepdf, Tesseract, OpenCV and zxing: only when a batch is split
        from ingest.batch_split import write_pdf_pages
        from ingest.scan_batch import split_batch

        return split_batch(self, manifest, ctx, folder, write_pages=write_pdf_pages, suffix=".pdf")

    def _pdfium_image(self, path: Path, index: int, dpi: int, draft: bool) -> Image.Image:
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

    def _poppler_text(self, path: Path, refused: CorruptInput | EncryptedInput) -> list[str]:
        """The text layer as poppler reads it; pdfium's refusal if poppler cannot."""
        if not poppler.available():
            raise refused
        try:
            pages = poppler.page_count(path)
        except CorruptInput:
            raise refused from None
        pdf.check_page_count(pages, self.max_pages)
        return poppler.page_texts(path, pages)

    def _poppler_image(
        self, path: Path, index: int, dpi: int, refused: CorruptInput | EncryptedInput
    ) -> Image.Image:
        """The page drawn by ``pdftoppm`` at a resolution that fits ``max_pixels``."""
        if not poppler.available():
            raise refused
        try:
            width, height = poppler.page_size(path, index)
            fitted = pdf.fitting_dpi(width, height, dpi, self.max_pixels)
            return poppler.render_page(path, index, fitted)
        except CorruptInput:
            raise refused from None
