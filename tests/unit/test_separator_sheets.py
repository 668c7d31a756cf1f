"""Separator sheets as scanners and offices print them: Kodak patch codes drawn from the
specification's zone tables (``samples.capture.patch_sheet``), and a printed keyword on
an otherwise empty page, upright or upside down."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from PIL import Image, ImageFilter

from eakte.settings import Settings
from ingest.batch_split import LetterRange
from ingest.keyword_sheets import has_keyword, is_keyword_sheet
from ingest.patch_codes import find_patch, parse_patches
from ingest.separators import find_letters
from ingest.tesseract import TesseractOcr
from samples.capture import (
    PATCH_BARS,
    blank_page,
    keyword_sheet,
    patch_sheet,
    scanned_letter,
    separator_sheet,
)
from samples.letters import generate_letters


def as_scanned(page: Image.Image, dpi: int = 150, angle: float = 0.0, seed: int = 0) -> Image.Image:
    """The low-resolution copy the separator check sees, with blur, grain and skew."""
    source = int(page.info.get("dpi", (300, 300))[0])
    small = page.resize((round(page.width * dpi / source), round(page.height * dpi / source)))
    if angle:
        small = small.rotate(angle, fillcolor=245, resample=Image.Resampling.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(0.7))
    grain = np.random.default_rng(seed).normal(0, 12, (small.height, small.width))
    noisy = np.clip(np.asarray(small, dtype=np.float64) * 0.96 + 6 + grain, 0, 255)
    scanned = Image.fromarray(noisy.astype(np.uint8))
    scanned.info["dpi"] = (dpi, dpi)
    return scanned


@pytest.mark.parametrize("patch", sorted(PATCH_BARS))
@pytest.mark.parametrize("end_fed", [False, True])
def test_every_patch_is_read_from_a_scanned_sheet(patch: str, end_fed: bool) -> None:
    for dpi, angle, scale in ((150, 0.0, 1.0), (100, 2.0, 1.0), (150, -1.5, 0.94)):
        sheet = patch_sheet(patch, end_fed=end_fed, scale=scale)
        assert find_patch(as_scanned(sheet, dpi, angle)) == patch, (dpi, angle, scale)


def test_a_patch_t_fed_upside_down_reads_as_its_mirror_patch_3() -> None:
    turned = patch_sheet("T").rotate(180)
    assert find_patch(as_scanned(turned)) == "3"  # why the default takes T, 2 and 3


def test_letters_barcodes_and_keyword_sheets_carry_no_patch() -> None:
    texts = [letter.pages()[0] for letter in generate_letters(4, seed=7)]
    pages = [letter_page(text, seed=n) for n, text in enumerate(texts)]
    pages += [separator_sheet(dpi=150), keyword_sheet(dpi=150), blank_page(dpi=150)]
    assert [find_patch(as_scanned(page, seed=n)) for n, page in enumerate(pages)] == [None] * 7


def test_patch_names_in_the_setting() -> None:
    assert parse_patches("T, II,Patch 3, vi") == frozenset({"T", "2", "3", "6"})
    assert parse_patches("") == frozenset()


def test_the_keyword_survives_one_ocr_slip_and_a_split() -> None:
    assert has_keyword("— TRENNBLATT —", "TRENNBLATT")
    assert has_keyword("TRENNBIATT", "TRENNBLATT")
    assert has_keyword("Trenn blatt", "TRENNBLATT")
    assert not has_keyword("Trennung vom Blatt", "TRENNBLATT")
    assert not has_keyword("Mit freundlichen Grüßen", "TRENNBLATT")


def test_a_keyword_sheet_is_found_upright_and_upside_down_and_a_short_page_is_not() -> None:
    ocr = TesseractOcr(page_segmentation_mode=11)
    assert is_keyword_sheet(as_scanned(keyword_sheet()), "TRENNBLATT", ocr)
    assert is_keyword_sheet(as_scanned(keyword_sheet(upside_down=True)), "TRENNBLATT", ocr)
    short = scanned_letter("Seite 2\n\nMit freundlichen Grüßen\nAnna Beispiel", seed=2)
    assert not is_keyword_sheet(as_scanned(short), "TRENNBLATT", ocr)


@functools.cache
def letter_page(text: str, seed: int) -> Image.Image:
    return scanned_letter(text, seed=seed, dpi=150)


def twelve_pages(separator: Image.Image, upside_down: Image.Image) -> list[Image.Image]:
    """Four letters (2, 1, 3 and 3 pages) and three separator sheets, one turned over."""
    texts = [letter.pages()[0] for letter in generate_letters(4, seed=21)]
    follow = "Seite {}\n\nMit freundlichen Grüßen\nAnna Beispiel"
    page = letter_page
    return [
        *(page(texts[0], seed=1), page(follow.format(2), seed=2)),
        separator,
        page(texts[1], seed=3),
        upside_down,
        *(page(texts[2], seed=4), page(follow.format(2), seed=5), page(follow.format(3), seed=6)),
        separator,
        *(page(texts[3], seed=7), page(follow.format(2), seed=8), page(follow.format(3), seed=9)),
    ]


SPANS = [[1, 2], [4, 4], [6, 8], [10, 12]]


@pytest.mark.parametrize("kind", ["keyword", "patch"])
def test_twelve_page_stacks_split_into_the_right_letters(kind: str, tmp_path: object) -> None:
    if kind == "keyword":
        pages = twelve_pages(keyword_sheet(dpi=150), keyword_sheet(dpi=150, upside_down=True))
    else:
        pages = twelve_pages(patch_sheet("T", 150), patch_sheet("T", 150, end_fed=True))
    scans = [as_scanned(page, seed=n) for n, page in enumerate(pages)]
    settings = Settings(separator_codes="")  # no barcode on these sheets
    letters = find_letters(lambda index: scans[index], 12, list(range(1, 13)), settings)
    assert [[letter.first, letter.last] for letter in letters] == SPANS
    assert all(isinstance(letter, LetterRange) for letter in letters)
