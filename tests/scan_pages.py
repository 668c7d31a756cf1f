"""Scanned pages made in code for the capture tests: letters as a scanner sees them,
separator sheets, decoy barcodes, blank backs, and files that lie about their size."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from samples.render import SERIF, render_scan

GIROCODE = "\n".join(  # EPC069-12 credit transfer, as printed on invoices
    [
        *("BCD", "002", "1", "SCT", "COBADEFFXXX", "Stadtkasse Musterstadt"),
        *("DE89370400440532013000", "EUR12.50", "", "", "Gebuehr 2024"),
    ]
)
PARCEL_LABEL = "JJD000390007742891"  # a parcel service's Code 128 tracking number


def barcode(text: str, fmt: zxingcpp.BarcodeFormat, module_mm: float, dpi: int) -> Image.Image:
    """A barcode image whose narrowest bar (module) is ``module_mm`` wide at ``dpi``."""
    scale = max(1, round(module_mm * dpi / 25.4))
    image = zxingcpp.create_barcode(text, fmt).to_image(scale=scale)
    return Image.fromarray(np.asarray(image))


def separator_sheet(value: str = "PATCH-T", dpi: int = 300) -> Image.Image:
    """A separator sheet as offices print them: a large Code 128 and a caption."""
    page = Image.new("L", (round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)), 255)
    code = barcode(value, zxingcpp.BarcodeFormat.Code128, 0.5, dpi)
    page.paste(code, ((page.width - code.width) // 2, page.height // 3))
    font = ImageFont.truetype(str(SERIF), size=round(24 * dpi / 72))
    ImageDraw.Draw(page).text((page.width // 4, page.height // 2), "TRENNBLATT", font=font)
    page.info["dpi"] = (dpi, dpi)
    return page


def scanned_letter(
    text: str,
    *,
    seed: int,
    angle: float = 1.2,
    decoy: tuple[str, zxingcpp.BarcodeFormat] | None = None,
    dpi: int = 300,
    upside_down: bool = False,
) -> Image.Image:
    """A letter page as the scanner delivers it, optionally with a barcode of its own
    (a payment QR code, a parcel label) in the lower right corner."""
    page = render_scan(
        text, dpi, angle=angle, noise=0.15, blur=0.5, upside_down=upside_down, seed=seed
    )
    if decoy is not None:
        code = barcode(decoy[0], decoy[1], 0.4, dpi)
        page.paste(code, (page.width - code.width - dpi // 2, page.height - code.height - dpi))
    page.info["dpi"] = (dpi, dpi)
    return page


def blank_page(dpi: int = 300) -> Image.Image:
    page = Image.new("L", (round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)), 250)
    page.info["dpi"] = (dpi, dpi)
    return page


def tiff_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny, well-formed TIFF whose header claims a gigantic grey page."""
    entries = [  # tag, type (3 SHORT, 4 LONG), value
        (256, 4, width),
        (257, 4, height),
        (258, 3, 8),
        (259, 3, 1),
        (262, 3, 1),
        (273, 4, 8 + 2 + 12 * 9 + 4),  # the strip right after the IFD
        (277, 3, 1),
        (278, 4, height),
        (279, 4, 1),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        ifd += struct.pack("<HHI", tag, kind, 1) + struct.pack("<I", value)
    data = b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\xff"
    path.write_bytes(data)
    return path
