"""The archival rendition of a scanned record: one searchable PDF (page image plus
invisible text, as Tesseract writes each page) with PDF/A-2b identification.

A rendition is derived: it is built from the pages Tesseract produced while reading
them (no second OCR run) and stored next to the untouched original. Pages that had a
text layer of their own are copied from the original unchanged; such a mixed document
is a searchable PDF but is not labelled PDF/A, because we cannot vouch for the fonts
and colours of a page we did not make.

The PDF/A-2b claim is checked by veraPDF (tests/integration/test_pdfa.py); of the rules it
applies, the output intent is what a bare Tesseract page lacks besides the XMP metadata,
file ID and clean stream keywords pikepdf writes on save: the DeviceGray scan needs a
PDF/A output intent (rule 6.2.4.3-4), and an RGB one suffices.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path

import pikepdf
from PIL import Image, ImageCms

from eakte.errors import ToolFailed
from ingest import geometry

PRODUCER = "eAkte"


def build_archive_pdf(
    ocr_pages: Mapping[int, bytes],
    page_count: int,
    *,
    original_pdf: Path | None,
    title: str,
) -> bytes:
    """Pages 1..``page_count`` in order: Tesseract's page where it read one, else the
    original's page (born-digital pages of a mixed PDF)."""
    pdfa = all(number in ocr_pages for number in range(1, page_count + 1))
    try:
        with ExitStack() as stack:
            archive = stack.enter_context(pikepdf.new())
            original = (
                stack.enter_context(pikepdf.open(original_pdf))
                if original_pdf is not None and not pdfa
                else None
            )
            for number in range(1, page_count + 1):
                if number in ocr_pages:
                    page_pdf = stack.enter_context(pikepdf.open(io.BytesIO(ocr_pages[number])))
                    archive.pages.append(page_pdf.pages[0])
                elif original is not None:
                    archive.pages.append(original.pages[number - 1])
                else:
                    raise ToolFailed(f"Seite {number} fehlt für die Archivfassung")
            _describe(archive, title, pdfa=pdfa)
            out = io.BytesIO()
            archive.save(out, deterministic_id=True, min_version="1.7")
            return out.getvalue()
    except pikepdf.PdfError as exc:
        raise ToolFailed(f"Archivfassung (PDF/A) ließ sich nicht erzeugen: {exc}") from exc


JPEG_QUALITY = 85  # what Tesseract and OCRmyPDF use for greyscale scans


def page_with_image(
    text_layer_pdf: bytes, image: Image.Image, text_box: geometry.Box | None = None
) -> bytes:
    """One searchable page: the scan as a JPEG under Tesseract's invisible text layer.

    The image is the one Tesseract read (straightened and turned), so the words lie
    exactly over their pixels; ``text_box`` (left, top, right, bottom pixels) is the part
    of it the text layer covers, when Tesseract read less than the whole image. Pillow's
    JPEG encoder needs ~15 ms for an A4 page at 300 dpi, Tesseract's own PDF writer
    ~170 ms for the same page (bench/ocr)."""
    grey = image if image.mode == "L" else image.convert("L")
    left, _, right, bottom = text_box or (0, 0, grey.width, grey.height)
    jpeg = io.BytesIO()
    grey.save(jpeg, format="JPEG", quality=JPEG_QUALITY)
    try:
        with pikepdf.open(io.BytesIO(text_layer_pdf)) as layer:
            page = layer.pages[0]
            x0, y0, x1, _ = (float(v) for v in page.mediabox)
            points = (x1 - x0) / (right - left)  # per pixel
            width, height = grey.width * points, grey.height * points
            _place(layer, page, points * left - x0, points * (grey.height - bottom) - y0)
            page.mediabox = pikepdf.Array([0, 0, width, height])
            picture = pikepdf.Stream(layer, jpeg.getvalue())
            picture.Type = pikepdf.Name.XObject
            picture.Subtype = pikepdf.Name.Image
            picture.Width, picture.Height = grey.width, grey.height
            picture.ColorSpace = pikepdf.Name.DeviceGray
            picture.BitsPerComponent = 8
            picture.Filter = pikepdf.Name.DCTDecode
            name = page.add_resource(picture, pikepdf.Name.XObject, prefix="Scan")
            draw = f"q {width:.4f} 0 0 {height:.4f} 0 0 cm {name} Do Q\n".encode()
            page.contents_add(pikepdf.Stream(layer, draw), prepend=True)
            out = io.BytesIO()
            layer.save(out)
            return out.getvalue()
    except pikepdf.PdfError as exc:
        raise ToolFailed(f"Seite der Archivfassung ließ sich nicht erzeugen: {exc}") from exc


def _place(layer: pikepdf.Pdf, page: pikepdf.Page, dx: float, dy: float) -> None:
    """Move the page's text layer by (dx, dy) points, from its box to its place."""
    if abs(dx) < 1e-6 and abs(dy) < 1e-6:
        return
    page.contents_add(
        pikepdf.Stream(layer, f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm\n".encode()), prepend=True
    )
    page.contents_add(pikepdf.Stream(layer, b"Q\n"))


def _describe(archive: pikepdf.Pdf, title: str, *, pdfa: bool) -> None:
    """Title and producer; for PDF/A the XMP identification and an sRGB output intent
    (the colour space the page images are to be shown in)."""
    with archive.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["pdf:Producer"] = PRODUCER
        meta["xmp:CreatorTool"] = PRODUCER
        if pdfa:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
    if not pdfa:
        return
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    icc = pikepdf.Stream(archive, profile)
    icc["/N"] = 3
    archive.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier="sRGB",
                Info="sRGB IEC61966-2.1",
                DestOutputProfile=icc,
            )
        ]
    )
