"""The page as a unit of work: a picklable job a worker process can run on its own.

A job names the original by local path and page index, never carries pixels, so the
process pool (and later a Celery worker) receives a few hundred bytes per page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eakte import media_types
from eakte.record import PageText
from eakte.settings import Settings
from ingest import images, pdf
from ingest.tesseract import TesseractOcr


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
    tesseract_cmd: str

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
            tesseract_cmd=settings.tesseract_cmd,
        )


def limit_tesseract_threads(threads: int) -> None:
    """Pool initializer: Tesseract's OpenMP threads fight page parallelism on few cores
    (measured in ``bench/text_extract``), so each worker runs Tesseract single-threaded."""
    os.environ["OMP_THREAD_LIMIT"] = str(threads)


def ocr_page(job: PageJob) -> PageText:
    """Render or decode one page and read it with Tesseract."""
    path = Path(job.path)
    if job.media_type == media_types.PDF:
        image = pdf.render_page(
            path, job.index, dpi=job.dpi, max_pages=job.max_pages, max_pixels=job.max_pixels
        )
    else:
        image = images.load_frame(path, job.index, max_pixels=job.max_pixels)
    engine = TesseractOcr(
        languages=job.languages,
        page_segmentation_mode=job.page_segmentation_mode,
        command=job.tesseract_cmd,
    )
    result = engine.recognize(image)
    return PageText(
        number=job.index + 1, text=result.text, source="ocr", ocr_confidence=result.confidence
    )
