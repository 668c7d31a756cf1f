"""One scanned page straightened, turned the right way up and read by Tesseract, with
the rescan checks and the page of the archival rendition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

from eakte.ports import PageRead
from eakte.record import PageText
from ingest import archive_pdf, geometry
from ingest.page_quality import assess_page
from ingest.tesseract import PageOcr, TesseractOcr

if TYPE_CHECKING:
    from ingest.pages import ScanPageReader

# A page read with less mean confidence than this may lie on its side or upside down
# (the ascender check in ``ingest.geometry`` turns most upside-down letters before the
# first read): only then is Tesseract's orientation detection asked, which costs half a
# reading (upright letters read at 85-95, upside-down ones at ~25; bench/ocr)
ORIENTATION_CHECK_BELOW = 55.0


def read_scan(reader: ScanPageReader, image: Image.Image, number: int) -> PageRead:
    """Straighten the page, read it the way up its text lines say, and turn it over if
    it still reads like nonsense."""
    engine = TesseractOcr(
        languages=reader.languages,
        page_segmentation_mode=reader.page_segmentation_mode,
        tessdata=reader.tessdata,
    )
    skew = geometry.estimate_skew(image) if reader.deskew else 0.0
    if abs(skew) >= geometry.MIN_CORRECTION_DEGREES:
        image = geometry.straighten(image, skew)
    else:
        skew = 0.0
    rotated = 0
    if reader.orientation and geometry.looks_upside_down(image):
        image, rotated = geometry.turn(image, 180), 180
    read = engine.read_page(image, with_pdf=reader.with_pdf)
    if reader.orientation and (read.result.confidence or 0.0) < ORIENTATION_CHECK_BELOW:
        image, read, turned = _turned_if_better(engine, image, read, reader.with_pdf)
        rotated = (rotated + turned) % 360
    quality = (
        assess_page(
            image,
            dpi=int(image.info.get("dpi", (reader.dpi,))[0]),
            thresholds=reader.quality,
            ocr_confidence=read.result.confidence,
        )
        if reader.quality is not None
        else None
    )
    page = PageText(
        number=number,
        text=read.result.text,
        source="ocr",
        ocr_confidence=read.result.confidence,
        rotated=rotated,
        skew=skew or None,
        blank=quality.blank if quality else False,
        rescan=quality.rescan if quality else [],
    )
    searchable = (
        archive_pdf.page_with_image(read.pdf, image, read.box) if read.pdf is not None else None
    )
    return PageRead(page=page, pdf=searchable)


def _turned_if_better(
    engine: TesseractOcr, image: Image.Image, read: PageOcr, with_pdf: bool
) -> tuple[Image.Image, PageOcr, int]:
    """Ask OSD how the page lies; keep the turned reading only if it reads better, so a
    wrong guess on a sparse page cannot make it worse."""
    orientation = engine.orientation(image)
    if orientation is None or orientation.rotate % 360 == 0:
        return image, read, 0
    turned = geometry.turn(image, orientation.rotate)
    again = engine.read_page(turned, with_pdf=with_pdf)
    if (again.result.confidence or 0.0) > (read.result.confidence or 0.0):
        return turned, again, orientation.rotate % 360
    return image, read, 0
