"""Turn letter text into the files a city's post room produces: PDFs, scans, TIFF batches.

Everything is generated from text we hold, so tests can compare extracted or OCR'd text
against exact ground truth. Output bytes are deterministic (fixed creation dates, seeded
noise), so the SHA-256 identity of a sample is stable across runs and machines.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SANS = FONT_DIR / "DejaVuSans.ttf"
SERIF = FONT_DIR / "DejaVuSerif.ttf"
A4_MM = (210.0, 297.0)
MARGIN_MM = (25.0, 20.0)  # left, top: a DIN 5008 letter leaves room for punching at left
FONT_PT = 11.0
LEADING = 1.3  # line height as a multiple of the font size
FIXED_DATE = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
INK = 25  # scanned toner is dark grey, not pure black


def _new_pdf() -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM[0], MARGIN_MM[1], 20.0)
    pdf.add_font("DejaVu", "", str(SANS))
    pdf.set_font("DejaVu", size=FONT_PT)
    pdf.set_creator("eAkte samples")
    pdf.set_creation_date(FIXED_DATE)
    return pdf


def _add_text_page(pdf: FPDF, text: str) -> None:
    pdf.add_page(format="A4")
    line_mm = FONT_PT * LEADING * 25.4 / 72
    for line in text.split("\n"):
        pdf.cell(0, line_mm, line, new_x="LMARGIN", new_y="NEXT")


def _add_image_page(pdf: FPDF, image: Image.Image, quality: int) -> None:
    """Embed as JPEG, as scanners do; a Flate-coded noisy 300 dpi page would be ~8 MB."""
    dpi = _dpi_of(image)
    size_mm = (image.width * 25.4 / dpi, image.height * 25.4 / dpi)
    pdf.add_page(format=size_mm)
    data = io.BytesIO()
    image.convert("L").save(data, format="JPEG", quality=quality, dpi=(dpi, dpi))
    data.seek(0)
    pdf.image(data, x=0, y=0, w=size_mm[0], h=size_mm[1])


def _dpi_of(image: Image.Image, default: int = 300) -> int:
    dpi = image.info.get("dpi")
    return round(dpi[0]) if dpi else default


def make_text_pdf(path: str | Path, pages: Sequence[str]) -> list[str]:
    """Born-digital PDF with a real text layer (DejaVu embedded, so umlauts map back).

    Returns the ground truth: the page texts, one per page.
    """
    pdf = _new_pdf()
    for text in pages:
        _add_text_page(pdf, text)
    pdf.output(str(path))
    return list(pages)


def make_image_pdf(path: str | Path, images: Sequence[Image.Image], quality: int = 85) -> None:
    """Image-only PDF, page size taken from each image's pixels and dpi: no text layer."""
    pdf = _new_pdf()
    for image in images:
        _add_image_page(pdf, image, quality)
    pdf.output(str(path))


def make_mixed_pdf(
    path: str | Path,
    text_pages: Sequence[str],
    scan_images: Sequence[Image.Image],
    quality: int = 85,
) -> list[str | None]:
    """Text pages first, then image-only pages, as when a clerk appends scanned enclosures.

    Returns per page the text of a text page, or None for an image-only page.
    """
    pdf = _new_pdf()
    for text in text_pages:
        _add_text_page(pdf, text)
    for image in scan_images:
        _add_image_page(pdf, image, quality)
    pdf.output(str(path))
    return [*text_pages, *([None] * len(scan_images))]


def make_tiff(path: str | Path, images: Sequence[Image.Image], dpi: int | None = None) -> None:
    """Multi-page TIFF as a batch scanner writes it, with resolution tags on every frame."""
    dpi = dpi or _dpi_of(images[0])
    first, *rest = [image.convert("L") for image in images]
    first.save(
        str(path),
        format="TIFF",
        save_all=True,
        append_images=rest,
        dpi=(dpi, dpi),
        compression="tiff_adobe_deflate",
    )


def render_page(text: str, dpi: int = 300, *, font_path: Path = SERIF) -> Image.Image:
    """A clean A4 page image of `text` at ~11 pt, before any scanner artefacts."""
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(font_path), size=round(FONT_PT * dpi / 72))
    x, y = (round(mm / 25.4 * dpi) for mm in MARGIN_MM)
    step = round(FONT_PT * LEADING * dpi / 72)
    for line in text.split("\n"):
        draw.text((x, y), line, fill=INK, font=font)
        y += step
    return page


def add_noise(page: Image.Image, amount: float, rng: random.Random) -> Image.Image:
    """Paper grain (up to `amount`*80 grey levels darker) plus sparse dark specks."""
    grain = Image.frombytes("L", page.size, rng.randbytes(page.width * page.height))
    depth = max(1, round(amount * 80))
    page = ImageChops.subtract(page, grain.point(lambda v: v * depth // 255))
    specks = Image.frombytes("L", page.size, rng.randbytes(page.width * page.height))
    cutoff = amount * 2.0  # about amount*0.8 % of pixels become dark dust
    return ImageChops.darker(page, specks.point(lambda v: 40 if v < cutoff else 255))


def render_scan(
    text: str,
    dpi: int = 300,
    *,
    angle: float = 0.0,
    noise: float = 0.0,
    blur: float = 0.0,
    jpeg_quality: int | None = None,
    upside_down: bool = False,
    seed: int = 0,
    font_path: Path = SERIF,
) -> Image.Image:
    """An A4 grayscale ('L') page that looks scanned: blur, skew, grain, JPEG artefacts.

    `angle` is degrees counter-clockwise; `noise` 0..1; `blur` a Gaussian radius in pixels.
    The ground truth is `text` itself; the image carries its dpi in `info["dpi"]`.
    """
    page = render_page(text, dpi, font_path=font_path)
    if blur > 0:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    if angle:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if upside_down:
        page = page.rotate(180)
    if noise > 0:
        page = add_noise(page, noise, random.Random(seed))
    if jpeg_quality is not None:
        data = io.BytesIO()
        page.save(data, format="JPEG", quality=jpeg_quality)
        data.seek(0)
        page = Image.open(data)
        page.load()
    page.info["dpi"] = (dpi, dpi)
    return page
