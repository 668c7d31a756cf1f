"""Capture samples: a scan batch with separator sheets (and barcodes that must not
split it), an e-mail with attachments, and the page builders the tests share."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from samples.letters import generate_letters
from samples.render import SERIF, make_image_pdf, make_text_pdf, render_scan

SEPARATOR = "PATCH-T"  # the default of EAKTE_SEPARATOR_CODES
GIROCODE = "\n".join(  # EPC069-12 credit transfer, as printed on invoices
    [
        *("BCD", "002", "1", "SCT", "COBADEFFXXX", "Stadtkasse Musterstadt"),
        *("DE89370400440532013000", "EUR12.50", "", "", "Gebuehr 2024"),
    ]
)
PARCEL_LABEL = "JJD000390007742891"  # a parcel service's Code 128 tracking number
A4_MM = (210, 297)


def barcode(text: str, fmt: zxingcpp.BarcodeFormat, module_mm: float, dpi: int) -> Image.Image:
    """A barcode image whose narrowest bar (module) is ``module_mm`` wide at ``dpi``."""
    scale = max(1, round(module_mm * dpi / 25.4))
    image = zxingcpp.create_barcode(text, fmt).to_image(scale=scale)
    return Image.fromarray(np.asarray(image))


def _a4(dpi: int, grey: int = 255) -> Image.Image:
    page = Image.new("L", tuple(round(mm / 25.4 * dpi) for mm in A4_MM), grey)  # type: ignore[arg-type]
    page.info["dpi"] = (dpi, dpi)
    return page


def separator_sheet(value: str = SEPARATOR, dpi: int = 300) -> Image.Image:
    """A separator sheet as offices print them: a large Code 128 and a caption."""
    page = _a4(dpi)
    code = barcode(value, zxingcpp.BarcodeFormat.Code128, 0.5, dpi)
    page.paste(code, ((page.width - code.width) // 2, page.height // 3))
    font = ImageFont.truetype(str(SERIF), size=round(24 * dpi / 72))
    ImageDraw.Draw(page).text((page.width // 4, page.height // 2), "TRENNBLATT", font=font)
    return page


# Kodak's zone tables (A-61599): bar widths in feed direction, N 0.08 in, W 0.20 in
PATCH_BARS = {"1": "WWNN", "2": "WNNW", "3": "WNWN", "4": "NWWN", "6": "NNWW", "T": "NWNW"}


def patch_sheet(
    patch: str = "T", dpi: int = 300, *, end_fed: bool = False, scale: float = 1.0
) -> Image.Image:
    """A Kodak patch sheet drawn from the specification: the patch's four bars 0.80 in
    across and 4 in long, twice on the sheet as Kodak prints them, and a caption.
    ``end_fed``: vertical bars, read right to left; ``scale``: printed at that size."""
    page = _a4(dpi)
    draw = ImageDraw.Draw(page)
    inch = dpi * scale
    for offset in (1.0, 6.5):  # inches from the leading edge
        edge = round(offset * dpi)
        for kind, width in zip(PATCH_BARS[patch], (0, 1, 2, 3), strict=True):
            thickness = 0.20 if kind == "W" else 0.08
            start = edge + round(_bar_start(PATCH_BARS[patch], width) * inch)
            end = start + round(thickness * inch) - 1
            left, right = round(2.0 * dpi), round(6.0 * dpi)
            if end_fed:  # right to left: the first bar is the rightmost
                x0, x1 = page.width - 1 - end, page.width - 1 - start
                draw.rectangle((x0, left, x1, right), fill=0)
            else:
                draw.rectangle((left, start, right, end), fill=0)
    font = ImageFont.truetype(str(SERIF), size=round(14 * dpi / 72))
    draw.text((round(2 * dpi), round(9.5 * dpi)), f"Patch {patch}", font=font, fill=0)
    return page


def _bar_start(bars: str, number: int) -> float:
    """Inches from the patch's edge to bar ``number`` (each bar, then a 0.08 in space)."""
    return sum((0.20 if kind == "W" else 0.08) + 0.08 for kind in bars[:number])


def keyword_sheet(
    word: str = "TRENNBLATT", dpi: int = 300, upside_down: bool = False
) -> Image.Image:
    """A printed separator sheet without a barcode: one large word on an empty page."""
    page = _a4(dpi)
    font = ImageFont.truetype(str(SERIF), size=round(48 * dpi / 72))
    ImageDraw.Draw(page).text((round(1.2 * dpi), round(4.5 * dpi)), word, font=font, fill=0)
    if upside_down:
        page = page.rotate(180)
        page.info["dpi"] = (dpi, dpi)
    return page


def blank_page(dpi: int = 300) -> Image.Image:
    """The empty back of a sheet, a shade off white as scanners see paper."""
    return _a4(dpi, grey=250)


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


def write_scan_batch(path: Path, seed: int = 11) -> list[list[int]]:
    """Three letters in one scanned PDF, split by separator sheets (one with its blank
    back); the second carries a GiroCode, the third a parcel label. Returns the page
    span of each letter, as ``eakte ingest --json`` reports them."""
    a, b, c = (letter.pages()[0] for letter in generate_letters(3, seed=seed))
    qr, code128 = zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128
    make_image_pdf(
        path,
        [
            scanned_letter(a, seed=1),
            scanned_letter("Seite 2\n\nMit freundlichen Grüßen\nAnna Beispiel", seed=2),
            separator_sheet(),
            scanned_letter(b, seed=3, decoy=(GIROCODE, qr)),
            separator_sheet(),
            blank_page(),  # the separator sheet's back side (duplex)
            scanned_letter(c, seed=4, decoy=(PARCEL_LABEL, code128)),
        ],
    )
    return [[1, 2], [4, 4], [7, 7]]


def jpeg_photo() -> bytes:
    image = Image.new("L", (1200, 400), 255)
    ImageDraw.Draw(image).text((40, 150), "Foto vom Schlagloch", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def write_mail(folder: Path, name: str = "mail.eml") -> Path:
    """A citizen's e-mail: plain text, a born-digital PDF and a JPEG photo attached."""
    pdf = folder / ".antrag.pdf"
    make_text_pdf(pdf, ["Antrag auf Beseitigung eines Schlaglochs in der Hauptstraße."])
    message = EmailMessage()
    message["From"] = "Jörg Müller <joerg@example.org>"
    message["To"] = "poststelle@stadt.example"
    message["Subject"] = "Schlagloch in der Hauptstraße"
    message["Date"] = "Tue, 01 Dec 2026 09:30:00 +0100"
    message["Message-ID"] = "<schlagloch-1@example.org>"
    message.set_content("Sehr geehrte Damen und Herren,\nanbei Antrag und Foto.\n")
    message.add_attachment(
        pdf.read_bytes(), maintype="application", subtype="pdf", filename="Antrag Müller.pdf"
    )
    pdf.unlink()
    message.add_attachment(jpeg_photo(), maintype="image", subtype="jpeg", filename="foto.jpg")
    path = folder / name
    path.write_bytes(message.as_bytes())
    return path
