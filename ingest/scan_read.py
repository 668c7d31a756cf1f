"""One scanned page straightened, turned the right way up and read by Tesseract, with
the rescan checks and the page of the archival rendition."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PIL import Image

from eakte.ports import PageRead
from eakte.record import PageText
from ingest import archive_pdf, geometry
from ingest.page_quality import assess_page
from ingest.tesseract import Orientation, PageOcr, TesseractOcr, installed_languages

if TYPE_CHECKING:
    from ingest.pages import ScanPageReader

# A page read with less mean confidence than this may lie on its side or upside down
# (the ascender check in ``ingest.geometry`` turns most upside-down letters before the
# first read): only then is Tesseract's orientation detection asked, which costs half a
# reading (upright letters read at 85-95, upside-down ones at ~25; bench/ocr)
ORIENTATION_CHECK_BELOW = 55.0
# A page read with less than this may be historical print: only then is the script
# asked (OSD, reused from the orientation check when it ran). Real Fraktur pages read
# at 44-77 with ``deu``, but clean Fraktur (a page set in a Fraktur font today) at
# ~84, the modern Antiqua pages of bench/ocr/realworld at 91-93 and modern letters
# at 85-95; OSD on a page set in Antiqua costs ~0.5-1.5 s (bench/media/fraktur.py).
SCRIPT_CHECK_BELOW = 90.0
FRAKTUR = "Fraktur"  # OSD's name for the script


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
    orientation: Orientation | None = None
    if reader.orientation and _confidence(read) < ORIENTATION_CHECK_BELOW:
        orientation = engine.orientation(image)
        image, read, turned = _turned_if_better(engine, image, read, orientation, reader.with_pdf)
        rotated = (rotated + turned) % 360
    languages = reader.languages
    if reader.fraktur_languages and _confidence(read) < SCRIPT_CHECK_BELOW:
        read, languages = _fraktur_if_better(reader, engine, image, read, orientation)
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
        ocr_languages=languages,
        skew=skew or None,
        blank=quality.blank if quality else False,
        rescan=quality.rescan if quality else [],
    )
    searchable = (
        archive_pdf.page_with_image(read.pdf, image, read.box) if read.pdf is not None else None
    )
    return PageRead(page=page, pdf=searchable)


def _confidence(read: PageOcr) -> float:
    return read.result.confidence or 0.0


@functools.cache
def _installed(languages: str, tessdata: str) -> bool:
    """Whether all of ``languages`` lie in the language data folder; asked once per
    worker process, not once per page."""
    return set(languages.split("+")) <= installed_languages(tessdata)


def _fraktur_if_better(
    reader: ScanPageReader,
    engine: TesseractOcr,
    image: Image.Image,
    read: PageOcr,
    orientation: Orientation | None,
) -> tuple[PageOcr, str]:
    """Read a page OSD finds set in Fraktur again with the Fraktur model; keep that
    reading only if it reads better. Without the model installed, nothing changes
    (`eakte doctor` names it)."""
    if not _installed(reader.fraktur_languages, reader.tessdata):
        return read, reader.languages
    found = orientation or engine.orientation(image)
    if found is None or found.script != FRAKTUR:
        return read, reader.languages
    historical = TesseractOcr(
        languages=reader.fraktur_languages,
        page_segmentation_mode=reader.page_segmentation_mode,
        tessdata=reader.tessdata,
    )
    again = historical.read_page(image, with_pdf=reader.with_pdf)
    if _confidence(again) > _confidence(read):
        return again, reader.fraktur_languages
    return read, reader.languages


def _turned_if_better(
    engine: TesseractOcr,
    image: Image.Image,
    read: PageOcr,
    orientation: Orientation | None,
    with_pdf: bool,
) -> tuple[Image.Image, PageOcr, int]:
    """Turn the page as OSD says it lies; keep the turned reading only if it reads
    better, so a wrong guess on a sparse page cannot make it worse."""
    if orientation is None or orientation.rotate % 360 == 0:
        return image, read, 0
    turned = geometry.turn(image, orientation.rotate)
    again = engine.read_page(turned, with_pdf=with_pdf)
    if (again.result.confidence or 0.0) > (read.result.confidence or 0.0):
        return turned, again, orientation.rotate % 360
    return image, read, 0
