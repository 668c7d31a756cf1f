"""Separator sheets are found by their exact value; the barcodes letters carry are not.

Barcodes come from zxing-cpp's own writer, pasted onto rendered letter pages; scanner
artefacts (skew, grain, JPEG) are applied afterwards, as a scanner would.
"""

from __future__ import annotations

import io
import random

import pytest
import zxingcpp
from PIL import Image

from eakte.errors import ToolFailed
from ingest.barcodes import is_separator, parse_codes, read_barcodes
from samples.capture import GIROCODE, barcode
from samples.render import add_noise, render_page

Fmt = zxingcpp.BarcodeFormat
CODES = frozenset({"PATCH-T"})
LETTER = "\n".join(
    [
        "Stadt Musterstadt · Bürgeramt · Marktplatz 1 · 12345 Musterstadt",
        "",
        "Widerspruch gegen den Gebührenbescheid vom 3. Januar 2024",
        "",
        "Sehr geehrte Damen und Herren,",
        *["hiermit lege ich gegen den oben genannten Bescheid fristgerecht Widerspruch ein."] * 12,
    ]
)


def page_with(
    codes: list[tuple[str, Fmt]], dpi: int = 150, module_mm: float = 0.4, text: str = LETTER
) -> Image.Image:
    """A letter page with the codes in a row across its lower third."""
    page = render_page(text, dpi)
    x = page.width // 10
    for value, fmt in codes:
        code = barcode(value, fmt, module_mm, dpi)
        page.paste(code, (x, page.height * 2 // 3))
        x += code.width + page.width // 20
    page.info["dpi"] = (dpi, dpi)
    return page


def scanned(page: Image.Image, *, angle: float, seed: int = 1, quality: int = 40) -> Image.Image:
    """What the scanner makes of the page: skewed, grainy, JPEG-compressed."""
    dpi = page.info["dpi"]
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    page = add_noise(page, 0.3, random.Random(seed))
    data = io.BytesIO()
    page.save(data, format="JPEG", quality=quality)
    data.seek(0)
    result = Image.open(data)
    result.load()
    result.info["dpi"] = dpi
    return result


@pytest.mark.parametrize("fmt", [Fmt.Code128, Fmt.QRCode, Fmt.DataMatrix, Fmt.Code39])
def test_every_supported_format_reads_and_separates(fmt: Fmt) -> None:
    page = page_with([("PATCH-T", fmt)])
    assert read_barcodes(page) == ["PATCH-T"]
    assert is_separator(page, CODES)


@pytest.mark.parametrize("dpi", [150, 300])
@pytest.mark.parametrize("angle", [-3.0, 3.0])
def test_skewed_noisy_jpeg_scans_still_separate(dpi: int, angle: float) -> None:
    page = scanned(page_with([("PATCH-T", Fmt.Code128), ("PATCH-T", Fmt.QRCode)], dpi), angle=angle)
    assert read_barcodes(page) == ["PATCH-T", "PATCH-T"]
    assert is_separator(page, CODES)


def test_a_sheet_fed_sideways_or_upside_down_still_separates() -> None:
    page = page_with([("PATCH-T", Fmt.Code128)])
    assert is_separator(page.rotate(90, expand=True), CODES)
    assert is_separator(page.rotate(180), CODES)


@pytest.mark.parametrize(
    ("value", "fmt"),
    [
        ("JJD014600003912345678", Fmt.Code128),  # a parcel label
        (GIROCODE, Fmt.QRCode),  # an EPC payment code on an invoice
        ("https://www.musterstadt.de/PATCH-T", Fmt.QRCode),  # contains the value
        ("PATCH-T2", Fmt.Code128),
        ("XPATCH-T", Fmt.DataMatrix),
    ],
)
def test_decoys_are_read_but_do_not_separate(value: str, fmt: Fmt) -> None:
    page = page_with([(value, fmt)], module_mm=0.33)
    assert read_barcodes(page) == [value]
    assert not is_separator(page, CODES)


def test_a_separator_value_among_decoys_separates() -> None:
    page = page_with([(GIROCODE, Fmt.QRCode), ("PATCH-T", Fmt.Code128)], module_mm=0.33)
    assert sorted(read_barcodes(page)) == sorted([GIROCODE, "PATCH-T"])
    assert is_separator(page, CODES)


def test_whitespace_around_the_value_is_ignored() -> None:
    assert is_separator(page_with([(" PATCH-T\n", Fmt.QRCode)]), CODES)
    assert is_separator(page_with([("PATCH-T", Fmt.Code128)]), frozenset({" PATCH-T "}))


def test_pages_without_codes_or_with_empty_configuration_do_not_separate() -> None:
    plain = render_page(LETTER, 150)
    assert read_barcodes(plain) == []
    assert not is_separator(plain, CODES)
    assert read_barcodes(Image.new("L", (1240, 1754), 255)) == []
    assert not is_separator(page_with([("PATCH-T", Fmt.Code128)]), frozenset({"", "  "}))


def test_other_image_modes_and_degenerate_sizes_are_accepted() -> None:
    page = page_with([("PATCH-T", Fmt.Code128)])
    assert read_barcodes(page.convert("RGB")) == ["PATCH-T"]
    assert read_barcodes(page.convert("1")) == ["PATCH-T"]
    assert read_barcodes(Image.new("L", (0, 0))) == []
    assert read_barcodes(Image.new("L", (1, 1), 255)) == []


def test_small_codes_need_full_resolution() -> None:
    """A 0.1 mm module is lost when a 300 dpi page is read at 150 dpi, not at 300."""
    page = page_with([("JJD014600003912345678", Fmt.Code128)], dpi=300, module_mm=0.1)
    assert read_barcodes(page) == []
    assert read_barcodes(page, work_dpi=None) == ["JJD014600003912345678"]


def test_pages_without_resolution_are_read_as_they_are() -> None:
    page = page_with([("PATCH-T", Fmt.QRCode)], dpi=300)
    del page.info["dpi"]
    assert read_barcodes(page) == ["PATCH-T"]


def test_zxing_failures_become_tool_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> list[zxingcpp.Barcode]:
        raise RuntimeError("zxing exploded")

    monkeypatch.setattr(zxingcpp, "read_barcodes", broken)
    with pytest.raises(ToolFailed, match="Barcode-Erkennung"):
        read_barcodes(render_page("x", 100))


def test_separator_setting_is_parsed_into_stripped_values() -> None:
    assert parse_codes("PATCH-T, TRENN ,,") == frozenset({"PATCH-T", "TRENN"})
    assert parse_codes(["A ", " ", "B"]) == frozenset({"A", "B"})
    assert parse_codes("") == frozenset()
