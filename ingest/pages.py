"""The page as a unit of work: a picklable job a worker process can run on its own.

A job names the original by local path and page index, never carries pixels, so the
process pool (and later a Celery worker) receives a few hundred bytes per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from eakte import media_types
from eakte.record import PageText
from eakte.settings import Settings
from ingest import archive_pdf, geometry, images, pdf
from ingest.page_quality import QualityThresholds, assess_page
from ingest.tesseract import PageOcr, TesseractOcr

# A page read with less mean confidence than this may lie on its side or upside down
# (the ascender check in ``ingest.geometry`` turns most upside-down letters before the
# first read): only then is Tesseract's orientation detection asked, which costs half a
# reading (upright letters read at 85-95, upside-down ones at ~25; bench/ocr)
ORIENTATION_CHECK_BELOW = 55.0


@dataclass(frozen=True)
class PageJob:
    record_id: str
    path: str
    media_type: str
    index: int
    dpi: int
    max_pages: int
    max_pixels: int
    languages: str
    page_segmentation_mode: int
    tessdata: str
    orientation: bool = True
    deskew: bool = True
    with_pdf: bool = True
    quality: QualityThresholds | None = None

    @classmethod
    def for_page(
        cls, settings: Settings, record_id: str, path: Path, media_type: str, index: int
    ) -> PageJob:
        return cls(
            record_id=record_id,
            path=str(path),
            media_type=media_type,
            index=index,
            dpi=settings.ocr_dpi,
            max_pages=settings.max_pages,
            max_pixels=settings.max_pixels,
            languages=settings.ocr_languages,
            page_segmentation_mode=settings.ocr_page_segmentation_mode,
            tessdata=settings.tessdata_dir,
            orientation=settings.ocr_orientation,
            deskew=settings.ocr_deskew,
            with_pdf=settings.archive_rendition,
            quality=QualityThresholds.from_settings(settings),
        )


@dataclass(frozen=True)
class PageRead:
    """What a page job sends back: the page's text and facts, and its searchable PDF
    page for the archival rendition (None when renditions are off)."""

    page: PageText
    pdf: bytes | None


def load_page_image(job: PageJob) -> Image.Image:
    """Render (PDF) or decode (image) one page as grayscale at its scan resolution."""
    path = Path(job.path)
    if job.media_type == media_types.PDF:
        scan = pdf.scanned_page_image(
            path, job.index, max_pages=job.max_pages, max_pixels=job.max_pixels
        )
        if scan is not None:
            return scan
        return pdf.render_page(
            path, job.index, dpi=job.dpi, max_pages=job.max_pages, max_pixels=job.max_pixels
        )
    return images.load_frame(path, job.index, max_pixels=job.max_pixels)


def ocr_page(job: PageJob) -> PageRead:
    """Straighten the page, read it the way up its text lines say, and turn it over if
    it still reads like nonsense."""
    image = load_page_image(job)
    engine = TesseractOcr(
        languages=job.languages,
        page_segmentation_mode=job.page_segmentation_mode,
        tessdata=job.tessdata,
    )
    skew = geometry.estimate_skew(image) if job.deskew else 0.0
    if abs(skew) >= geometry.MIN_CORRECTION_DEGREES:
        image = geometry.straighten(image, skew)
    else:
        skew = 0.0
    rotated = 0
    if job.orientation and geometry.looks_upside_down(image):
        image, rotated = geometry.turn(image, 180), 180
    read = engine.read_page(image, with_pdf=job.with_pdf)
    if job.orientation and (read.result.confidence or 0.0) < ORIENTATION_CHECK_BELOW:
        image, read, turned = _turned_if_better(engine, image, read, job.with_pdf)
        rotated = (rotated + turned) % 360
    quality = (
        assess_page(
            image,
            dpi=int(image.info.get("dpi", (job.dpi,))[0]),
            thresholds=job.quality,
            ocr_confidence=read.result.confidence,
        )
        if job.quality is not None
        else None
    )
    page = PageText(
        number=job.index + 1,
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
