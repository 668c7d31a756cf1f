"""Which pages of a scanned batch are separator sheets or blank, and so which letters
it holds: rendered at a low resolution (barcodes and blankness need no more), before
any page is read by OCR, so that each letter is read in its own record."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from eakte import media_types
from eakte.settings import Settings
from ingest import images, pdf
from ingest.barcodes import is_separator, parse_codes
from ingest.batch_split import LetterRange, PageRole, plan_letters
from ingest.page_quality import QualityThresholds, assess_page


def find_letters(
    path: Path, media_type: str, page_count: int, scanned: Sequence[int], settings: Settings
) -> list[LetterRange]:
    """The letters of a batch; empty when it is one letter as it stands (no separator
    sheet and no blank page to drop), so ordinary documents stay one record."""
    codes = parse_codes(settings.separator_codes)
    if not codes and not settings.drop_blank_pages:
        return []
    roles = [PageRole.CONTENT] * page_count
    thresholds = QualityThresholds.from_settings(settings)
    for number in scanned:
        image = _low_resolution_page(path, media_type, number - 1, settings)
        if codes and is_separator(image, codes):
            roles[number - 1] = PageRole.SEPARATOR
        elif _is_blank(image, thresholds):
            roles[number - 1] = PageRole.BLANK
    separated = PageRole.SEPARATOR in roles
    if not separated and not (settings.drop_blank_pages and PageRole.BLANK in roles):
        return []
    return plan_letters(roles, drop_blank=settings.drop_blank_pages)


def _low_resolution_page(
    path: Path, media_type: str, index: int, settings: Settings
) -> Image.Image:
    if media_type == media_types.PDF:
        scan = pdf.scanned_page_image(
            path,
            index,
            max_pages=settings.max_pages,
            max_pixels=settings.max_pixels,
            draft_dpi=settings.separator_dpi,
        )
        if scan is not None:
            return scan
        return pdf.render_page(
            path,
            index,
            dpi=settings.separator_dpi,
            max_pages=settings.max_pages,
            max_pixels=settings.max_pixels,
        )
    return images.load_frame(path, index, max_pixels=settings.max_pixels)


def _is_blank(image: Image.Image, thresholds: QualityThresholds) -> bool:
    dpi = int(image.info.get("dpi", (300, 300))[0])
    return assess_page(image, dpi=dpi, thresholds=thresholds).blank
