"""Reading one scanned page: the ``PageReader`` adapter the wiring gives the pipeline.

The reader is a small frozen dataclass, so it pickles into the OCR worker processes
with each job; the page's handler (the job's ``source``) draws the page, the reader
straightens, turns and reads it (``ingest.scan_read``, imported on the first page: it
brings Tesseract, OpenCV and pikepdf, which `eakte search` and `show` never need).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eakte.ports import PageJob, PageRead
from eakte.settings import RescanThresholds as QualityThresholds
from eakte.settings import Settings
from ingest.resolution import fit_for_tesseract


@dataclass(frozen=True)
class ScanPageReader:
    """The ``PageReader`` for scans: Tesseract in process, with straightening, turning
    and the rescan checks. Its settings travel with it into the worker processes."""

    dpi: int
    languages: str
    page_segmentation_mode: int
    tessdata: str
    orientation: bool = True
    deskew: bool = True
    fraktur_languages: str = ""  # empty: historical print is not looked for
    with_pdf: bool = True
    quality: QualityThresholds | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ScanPageReader:
        return cls(
            dpi=settings.ocr_dpi,
            languages=settings.ocr_languages,
            page_segmentation_mode=settings.ocr_page_segmentation_mode,
            tessdata=settings.tessdata_dir,
            orientation=settings.ocr_orientation,
            deskew=settings.ocr_deskew,
            fraktur_languages=settings.ocr_fraktur_languages,
            with_pdf=settings.archive_rendition,
            quality=QualityThresholds.from_settings(settings),
        )

    def read(self, job: PageJob) -> PageRead:
        from ingest.scan_read import read_scan

        image = fit_for_tesseract(job.source.page_image(Path(job.path), job.index, self.dpi))
        return read_scan(self, image, job.index + 1)
