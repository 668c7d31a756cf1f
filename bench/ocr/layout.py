"""DIN 5008 page layouts for the OCR benchmark: blocks at fixed positions, with their truth.

The project's `samples.render.render_page` writes every line at the left margin, which
never puts two text blocks side by side. Real letters do: the address field at left and
the information block (Datum, Aktenzeichen, Sachbearbeiter, Telefon) to its right at the
same height, which is where OCR layout analysis is most likely to mix lines. So pages
here are lists of positioned blocks, and the ground truth keeps each block's own lines.
"""

from __future__ import annotations

import io
import random
import textwrap
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from samples import _words as words
from samples.letters import Letter
from samples.render import A4_MM, INK, SERIF, add_noise

SERIF_BOLD = SERIF.with_name("DejaVuSerif-Bold.ttf")
LEFT_MM = 25.0
INFO_LEFT_MM = 125.0  # DIN 5008 form B: information block from 125 mm
FIELD_TOP_MM = 50.0  # address field and info block start at the same height
SUBJECT_TOP_MM = 103.0
BOTTOM_MM = 272.0
BODY_PT = 11.0
LEADING = 1.3
BODY_WIDTH = 74  # characters per body line, as `samples.letters.LINE_WIDTH`

# blocks of the address field (left) and the info block (right) stand side by side;
# the metrics treat the order of the two columns as free, the order within one as fixed
LEFT_COLUMN = ("return", "address")
RIGHT_COLUMN = ("info",)
RETURN_PT, RETURN_MAX_MM = 7.0, 85.0


@dataclass(frozen=True)
class Block:
    name: str  # letterhead, address, info, subject, body, header
    x_mm: float
    y_mm: float
    lines: tuple[str, ...]
    size_pt: float = BODY_PT
    bold: bool = False

    def bottom_mm(self) -> float:
        return self.y_mm + len(self.lines) * _line_mm(self.size_pt)


@dataclass(frozen=True)
class Page:
    blocks: tuple[Block, ...]

    def block(self, name: str) -> Block | None:
        return next((b for b in self.blocks if b.name == name), None)


@dataclass(frozen=True)
class Artefacts:
    """What the scanner did to one page; recorded with the truth so results can be split."""

    angle: float
    noise: float
    blur: float
    jpeg_quality: int
    upside_down: bool


def _line_mm(size_pt: float) -> float:
    return size_pt * LEADING * 25.4 / 72


def _info_lines(letter: Letter, rng: random.Random) -> tuple[str, ...]:
    """The information block: what a clerk needs to file and to call back."""
    clerk = rng.choice(("Frau", "Herr")) + " " + rng.choice(words.LAST_NAMES)
    return (
        f"Aktenzeichen: {letter.aktenzeichen.split(': ', 1)[1]}",
        f"Sachbearbeitung: {clerk}",
        f"Telefon: {words.phone(rng)}",
        f"Datum: {letter.place_date.split(', den ', 1)[1]}",
    )


def _body_lines(letter: Letter) -> list[str]:
    out = [letter.salutation, ""]
    for paragraph in letter.paragraphs:
        for line in paragraph.split("\n"):
            indent = "   " if line[:1].isdigit() else ""
            out += textwrap.wrap(line, BODY_WIDTH, subsequent_indent=indent) or [""]
        out.append("")
    return out + list(letter.closing)


def _return_line(sender: tuple[str, ...], dpi: int = 300) -> str:
    """The one-line sender above the address; parts are dropped until it fits 85 mm."""
    font = ImageFont.truetype(str(SERIF), size=round(RETURN_PT * dpi / 72))
    parts = list(sender)
    while len(parts) > 2 and font.getlength(" · ".join(parts)) > RETURN_MAX_MM / 25.4 * dpi:
        parts.pop(1)
    return " · ".join(parts)


def letter_pages(letter: Letter, rng: random.Random) -> list[Page]:
    """Lay a letter out as DIN 5008 pages; an overflowing body continues on page 2+."""
    subject = tuple(textwrap.wrap(letter.betreff, 66))
    first = [
        Block("letterhead", LEFT_MM, 15.0, letter.sender, size_pt=10.0),
        Block("return", LEFT_MM, FIELD_TOP_MM, (_return_line(letter.sender),), RETURN_PT),
        Block("address", LEFT_MM, FIELD_TOP_MM + 7.0, letter.recipient, size_pt=10.0),
        Block("info", INFO_LEFT_MM, FIELD_TOP_MM, _info_lines(letter, rng), size_pt=10.0),
        Block("subject", LEFT_MM, SUBJECT_TOP_MM, subject, bold=True),
    ]
    body = _body_lines(letter)
    top = first[-1].bottom_mm() + _line_mm(BODY_PT)
    pages: list[Page] = []
    blocks: list[Block] = first
    while body:
        room = int((BOTTOM_MM - top) // _line_mm(BODY_PT))
        chunk, body = body[:room], body[room:]
        while chunk and not chunk[-1]:
            chunk.pop()
        blocks.append(Block("body", LEFT_MM, top, tuple(chunk)))
        pages.append(Page(tuple(blocks)))
        while body and not body[0]:
            body.pop(0)
        header = f"Seite {len(pages) + 1} zu {letter.aktenzeichen}"
        blocks = [Block("header", LEFT_MM, 15.0, (header,), size_pt=10.0)]
        top = 15.0 + 2 * _line_mm(BODY_PT)
    return pages


def render(page: Page, dpi: int = 300) -> Image.Image:
    """A clean grayscale A4 image of the page's blocks."""
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for block in page.blocks:
        font_path = SERIF_BOLD if block.bold else SERIF
        font = ImageFont.truetype(str(font_path), size=round(block.size_pt * dpi / 72))
        x = round(block.x_mm / 25.4 * dpi)
        for i, line in enumerate(block.lines):
            y = round((block.y_mm + i * _line_mm(block.size_pt)) / 25.4 * dpi)
            draw.text((x, y), line, fill=INK, font=font)
    return image


def draw_artefacts(rng: random.Random, upside_down: bool) -> Artefacts:
    """Rotation up to ±3°, grain, blur and JPEG loss, each drawn per page."""
    return Artefacts(
        angle=round(rng.uniform(-3.0, 3.0), 2),
        noise=round(rng.uniform(0.03, 0.12), 3),
        blur=round(rng.uniform(0.3, 1.1), 2),
        jpeg_quality=rng.randint(35, 75),
        upside_down=upside_down,
    )


def scan(page: Page, artefacts: Artefacts, seed: int, dpi: int = 300) -> Image.Image:
    """Render, then degrade in the order a scanner does: optics, skew, sensor, codec."""
    image = render(page, dpi)
    if artefacts.blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(artefacts.blur))
    if artefacts.angle:
        image = image.rotate(artefacts.angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if artefacts.upside_down:
        image = image.rotate(180)
    image = add_noise(image, artefacts.noise, random.Random(seed))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=artefacts.jpeg_quality)
    buffer.seek(0)
    image = Image.open(buffer)
    image.load()
    image.info["dpi"] = (dpi, dpi)
    return image
