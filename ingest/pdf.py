"""pypdfium2 adapter: text layers and page rendering for PDFs.

pypdfium2 reads a born-digital page in about a millisecond, two orders of magnitude
faster than pdfplumber at the same text quality (``bench/text_extract``), so it is
the extractor; pdfium's errors become ours here and nowhere else.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from eakte.errors import CorruptInput, EncryptedInput, InputRejected, LimitExceeded
from ingest.images import decode_jpeg

POINTS_PER_INCH = 72
MIN_RENDER_DPI = 100


@contextlib.contextmanager
def open_pdf(path: Path, *, max_pages: int) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF, rejecting encrypted, unreadable and absurdly long documents."""
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise _load_failure(path) from exc
    try:
        check_page_count(len(document), max_pages)
        yield document
    finally:
        document.close()


def check_page_count(page_count: int, max_pages: int) -> None:
    if page_count == 0:
        raise CorruptInput("PDF enthält keine Seiten")
    if page_count > max_pages:
        raise LimitExceeded(f"PDF hat {page_count} Seiten, erlaubt sind höchstens {max_pages}")


def _load_failure(path: Path) -> InputRejected:
    """Why pdfium refused the file, asked afresh: pypdfium2 reads ``FPDF_GetLastError``
    also when the document loaded but has no pages, and then gets the code an earlier
    call left behind (another file's password error made a damaged file
    "passwortgeschützt"). Loading once more and reading the code right after that
    call gives this file's reason."""
    handle = pdfium_c.FPDF_LoadDocument(str(path).encode("utf-8"), None)
    if handle:
        pdfium_c.FPDF_CloseDocument(handle)
        return CorruptInput("PDF enthält keine Seiten")
    code = pdfium_c.FPDF_GetLastError()
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return EncryptedInput("PDF ist passwortgeschützt und kann nicht gelesen werden")
    return CorruptInput("PDF ist beschädigt oder kein gültiges PDF")


def read_text_layer(path: Path, *, max_pages: int) -> list[str]:
    """The text of every page's text layer, in page order (empty string: no text layer)."""
    texts: list[str] = []
    with open_pdf(path, max_pages=max_pages) as document:
        for index in range(len(document)):
            page = _load_page(document, index)
            try:
                textpage = page.get_textpage()
                try:
                    texts.append(_normalise(textpage.get_text_range()))
                finally:
                    textpage.close()
            finally:
                page.close()
    return texts


def render_page(
    path: Path, index: int, *, dpi: int, max_pages: int, max_pixels: int
) -> Image.Image:
    """Render one page as a grayscale image for OCR.

    Oversized pages are rendered at a lower resolution that fits ``max_pixels``; a page
    that would need less than ``MIN_RENDER_DPI`` to fit is rejected as absurd.
    """
    with open_pdf(path, max_pages=max_pages) as document:
        page = _load_page(document, index)
        try:
            width_pt, height_pt = page.get_size()
            dpi_used = fitting_dpi(width_pt, height_pt, dpi, max_pixels)
            bitmap = page.render(scale=dpi_used / POINTS_PER_INCH, grayscale=True)
            image: Image.Image = bitmap.to_pil().convert("L")
        except pdfium.PdfiumError as exc:
            raise CorruptInput(f"Seite {index + 1} des PDF lässt sich nicht darstellen") from exc
        finally:
            page.close()
    image.info["dpi"] = (dpi_used, dpi_used)
    return image


def scanned_page_image(
    path: Path, index: int, *, max_pages: int, max_pixels: int, draft_dpi: int | None = None
) -> Image.Image | None:
    """The page's own scan when the page is nothing but one upright full-page JPEG (what
    scanners write), decoded directly at its scan resolution; None for any other page.

    Decoding the JPEG costs a third of rendering the page through pdfium (70 vs 220 ms
    at 300 dpi), and OCR reads the scanner's pixels instead of a resampled copy. With
    ``draft_dpi`` libjpeg decodes at a reduced scale (for barcodes and blank checks)."""
    with open_pdf(path, max_pages=max_pages) as document:
        page = _load_page(document, index)
        try:
            jpeg = _full_page_jpeg(page)
            width_pt, _ = page.get_size()
        finally:
            page.close()
    if jpeg is None:
        return None
    return decode_jpeg(
        jpeg,
        max_pixels=max_pixels,
        page_width_inches=width_pt / POINTS_PER_INCH,
        draft_dpi=draft_dpi,
    )


def _full_page_jpeg(page: pdfium.PdfPage) -> bytes | None:
    if page.get_rotation() != 0:
        return None
    objects = list(page.get_objects(max_depth=1))
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None
    image = objects[0]
    matrix = image.get_matrix()
    width_pt, height_pt = page.get_size()
    upright = matrix.b == 0 and matrix.c == 0 and matrix.a > 0 and matrix.d > 0
    covers = abs(matrix.a - width_pt) < 2 and abs(matrix.d - height_pt) < 2
    if not (upright and covers and abs(matrix.e) < 2 and abs(matrix.f) < 2):
        return None
    if image.get_filters() != ["DCTDecode"]:
        return None
    buffer = io.BytesIO()
    try:
        image.extract(buffer)
    except pdfium.PdfiumError:
        return None  # rendering will say what is wrong with the page
    return buffer.getvalue()


def fitting_dpi(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> int:
    if width_pt <= 0 or height_pt <= 0:
        raise CorruptInput("PDF-Seite hat keine gültige Größe")
    area_inches = (width_pt / POINTS_PER_INCH) * (height_pt / POINTS_PER_INCH)
    if area_inches * dpi * dpi <= max_pixels:
        return dpi
    fitting = int((max_pixels / area_inches) ** 0.5)
    if fitting < MIN_RENDER_DPI:
        raise LimitExceeded(
            f"PDF-Seite ist zu groß ({width_pt:.0f}×{height_pt:.0f} pt) für die Texterkennung"
        )
    return fitting


def _load_page(document: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    try:
        return document[index]
    except pdfium.PdfiumError as exc:
        raise CorruptInput(f"Seite {index + 1} des PDF ist beschädigt") from exc


def _normalise(text: str) -> str:
    """pdfium ends lines with CRLF and reports a hyphen at the end of a line as U+FFFE
    (or U+0002), joining the two lines; we give back what the page shows."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\ufffe", "-\n").replace("\x02", "-\n").strip()
