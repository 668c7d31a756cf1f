"""Which pages of a scanned batch are separator sheets or blank, and so which letters
it holds: rendered at a low resolution (barcodes and blankness need no more), before
any page is read by OCR, so that each letter is read in its own record.

A separator sheet is what scanners and offices print: a barcode with an agreed value
(``ingest.barcodes``), a Kodak patch code (``ingest.patch_codes``), or a keyword on an
otherwise empty page (``ingest.keyword_sheets``, the only check that needs OCR, so it
comes last and only for nearly empty pages)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PIL import Image

from eakte.settings import Settings
from ingest.barcodes import is_separator, parse_codes
from ingest.batch_split import LetterRange, PageRole, plan_letters
from ingest.keyword_sheets import SPARSE_TEXT, is_keyword_sheet
from ingest.page_quality import QualityThresholds, assess_page
from ingest.patch_codes import find_patch, parse_patches
from ingest.tesseract import TesseractOcr


def find_letters(
    page_image: Callable[[int], Image.Image],
    page_count: int,
    scanned: Sequence[int],
    settings: Settings,
) -> list[LetterRange]:
    """The letters of a batch; empty when it is one letter as it stands (no separator
    sheet and no blank page to drop), so ordinary documents stay one record.
    ``page_image(index)`` draws a page at low resolution (its handler knows how)."""
    codes = parse_codes(settings.separator_codes)
    patches = parse_patches(settings.separator_patches)
    keyword = settings.separator_keyword.strip()
    if not (codes or patches or keyword) and not settings.drop_blank_pages:
        return []
    roles = [PageRole.CONTENT] * page_count
    thresholds = QualityThresholds.from_settings(settings)
    ocr = TesseractOcr(
        languages=settings.ocr_languages,
        page_segmentation_mode=SPARSE_TEXT,
        tessdata=settings.tessdata_dir,
    )
    for number in scanned:
        image = page_image(number - 1)
        if _is_separator(image, codes, patches, keyword, ocr):
            roles[number - 1] = PageRole.SEPARATOR
        elif _is_blank(image, thresholds):
            roles[number - 1] = PageRole.BLANK
    separated = PageRole.SEPARATOR in roles
    if not separated and not (settings.drop_blank_pages and PageRole.BLANK in roles):
        return []
    return plan_letters(roles, drop_blank=settings.drop_blank_pages)


def _is_separator(
    image: Image.Image,
    codes: frozenset[str],
    patches: frozenset[str],
    keyword: str,
    ocr: TesseractOcr,
) -> bool:
    if codes and is_separator(image, codes):
        return True
    if patches and find_patch(image) in patches:
        return True
    return bool(keyword) and is_keyword_sheet(image, keyword, ocr)


def _is_blank(image: Image.Image, thresholds: QualityThresholds) -> bool:
    dpi = int(image.info.get("dpi", (300, 300))[0])
    return assess_page(image, dpi=dpi, thresholds=thresholds).blank
