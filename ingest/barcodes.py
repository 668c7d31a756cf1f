"""zxing-cpp adapter: barcodes on scanned pages, and which of them mark separator sheets.

The only module that imports ``zxingcpp``. A batch scanner feeds a stack of letters with
a separator sheet between them; the sheet carries a barcode (Code 128 or QR, sometimes
DataMatrix or Code 39) with an agreed value such as ``PATCH-T``. Letters carry barcodes
of their own (parcel labels, GiroCode payment QR codes, links), so a page is a separator
only when a code's text *equals* a configured value; containing it is not enough.

Speed decides the options (an A4 letter page, CPU time per read, median of 11 on the
2-core build machine): zxing's defaults take 44 ms at 150 dpi and 150 ms at 300 dpi.
Restricting the formats to the four above and not trying inverted (light-on-dark) codes,
which separator sheets never are, brings 150 dpi to 27 ms. Rotation stays on so a sheet
fed sideways still splits. A page with a known resolution of at least twice ``work_dpi``
is first reduced by an integer factor (``Image.reduce``, a box filter, ~5 ms): 300 dpi
then costs 20-26 ms instead of 75-93 ms at full resolution. ±3° skew, scanner grain and
JPEG quality 40 still read at both resolutions (``tests/unit/test_barcodes.py``). The
price: modules much thinner than one pixel at ``work_dpi`` (0.17 mm at 150 dpi) are
lost; separator sheets print 0.3 mm and more.
"""

from __future__ import annotations

from collections.abc import Iterable

import zxingcpp
from PIL import Image

from eakte.errors import ToolFailed

WORK_DPI = 150

_FORMATS = zxingcpp.BarcodeFormats(
    [
        zxingcpp.BarcodeFormat.Code128,
        zxingcpp.BarcodeFormat.QRCode,
        zxingcpp.BarcodeFormat.DataMatrix,
        zxingcpp.BarcodeFormat.Code39,
    ]
)


def read_barcodes(image: Image.Image, *, work_dpi: int | None = WORK_DPI) -> list[str]:
    """The texts of all barcodes found on a page, in zxing's order; [] when none.

    ``work_dpi=None`` reads the image at its full resolution (slower; for small codes).
    """
    if image.width <= 0 or image.height <= 0:
        return []
    gray = _reduced(image if image.mode == "L" else image.convert("L"), work_dpi)
    try:
        found = zxingcpp.read_barcodes(gray, formats=_FORMATS, try_invert=False)
    except (ValueError, RuntimeError, TypeError) as exc:
        raise ToolFailed(f"Barcode-Erkennung ist fehlgeschlagen: {exc}") from exc
    return [code.text for code in found if code.valid]


def is_separator(
    image: Image.Image, codes: frozenset[str], *, work_dpi: int | None = WORK_DPI
) -> bool:
    """True when one barcode's text is exactly one of ``codes`` (whitespace stripped)."""
    wanted = parse_codes(codes)
    if not wanted:
        return False
    return any(text.strip() in wanted for text in read_barcodes(image, work_dpi=work_dpi))


def parse_codes(values: Iterable[str] | str) -> frozenset[str]:
    """Separator values from the setting (comma-separated) or a collection, stripped.

    Empty values are dropped, so an empty setting can never make every blank code match.
    """
    items = values.split(",") if isinstance(values, str) else values
    return frozenset(value.strip() for value in items if value.strip())


def _reduced(image: Image.Image, work_dpi: int | None) -> Image.Image:
    dpi = _dpi_of(image)
    if work_dpi is None or dpi is None or dpi < 2 * work_dpi:
        return image
    return image.reduce(dpi // work_dpi)


def _dpi_of(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return None
    return value if value > 0 else None
