"""Tesseract adapter (via pytesseract): one call per page returns words with confidences.

We ask for TSV only and rebuild the text from its block/paragraph/line numbers, so a page
costs one Tesseract run and the text keeps Tesseract's reading order.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytesseract
from PIL import Image

from eakte.errors import DependencyMissing, ToolFailed
from eakte.ports import OcrResult
from ingest import geometry
from ingest.reading_order import in_reading_order, words_of

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-deu tesseract-ocr-osd"
OSD_MIN_DPI = 100


Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels


@dataclass(frozen=True)
class PageOcr:
    """One Tesseract run: the words, and the page's invisible text layer as a PDF of
    ``box`` (the part of the page that was read) when it was asked for;
    ``ingest.archive_pdf`` puts the whole page image under it."""

    result: OcrResult
    pdf: bytes | None
    box: Box | None = None


@dataclass(frozen=True)
class TesseractOcr:
    """The ``OcrEngine`` for scans; honours ``image.info["dpi"]``."""

    languages: str = "deu"
    page_segmentation_mode: int = 3
    command: str = "tesseract"
    timeout_seconds: int = 300

    def recognize(self, image: Image.Image) -> OcrResult:
        return self.read_page(image, with_pdf=False).result

    def read_page(self, image: Image.Image, *, with_pdf: bool) -> PageOcr:
        """Words with confidences (TSV) and, in the same run, the text layer PDF:
        asking for both costs one recognition, not two.

        Only the inked part of the page is handed over (``geometry.ink_box``): a
        letter's empty margins are ~40 % of an A4 page, and Tesseract's layout analysis
        costs by area (0.87 s instead of 0.95 s a page, bench/ocr). Word positions are
        page positions again before the reading order is made."""
        dpi = _dpi(image)
        box = geometry.ink_box(image)
        config = f"--psm {self.page_segmentation_mode} --dpi {dpi} -c tessedit_create_tsv=1"
        if with_pdf:  # the text layer only: Tesseract's own JPEG encoding costs ~170 ms
            config += " -c tessedit_create_pdf=1 -c textonly_pdf=1"
        part = image.crop(box)
        part.info["dpi"] = image.info.get("dpi", (dpi, dpi))
        with _uncompressed_copy(part) as image_path:
            base = os.path.join(os.path.dirname(image_path), "out")
            self._run(image_path, base, self.languages, config)
            with open(base + ".tsv", encoding="utf-8") as handle:
                data = pytesseract.pytesseract.file_to_dict(handle.read(), "\t", -1)
            pdf = None
            if with_pdf:
                with open(base + ".pdf", "rb") as handle:
                    pdf = handle.read()
        if not data:
            data = {key: [] for key in ("block_num", "par_num", "line_num", "text", "conf")}
        data = _moved(data, box[0], box[1])
        result = OcrResult(text=text_from_tsv(data, dpi), confidence=mean_confidence(data))
        return PageOcr(result=result, pdf=pdf, box=box)

    def orientation(self, image: Image.Image) -> Orientation | None:
        """Tesseract's orientation detection (OSD) on a half-resolution copy: as
        reliable on letters at 150 dpi as at 300, at half the cost (bench/ocr).
        None when the page has too little text to tell."""
        dpi = _dpi(image)
        half = image.reduce(2) if dpi >= OSD_MIN_DPI * 2 else image.copy()
        half.info["dpi"] = (dpi // 2,) * 2 if dpi >= OSD_MIN_DPI * 2 else (dpi, dpi)
        config = f"--psm 0 --dpi {_dpi(half)}"
        with _uncompressed_copy(half) as image_path:
            base = os.path.join(os.path.dirname(image_path), "osd")
            try:
                self._run(image_path, base, "osd", config, extension="osd")
            except ToolFailed:
                return None  # "Too few characters": nothing to turn
            with open(base + ".osd", encoding="utf-8") as handle:
                osd = pytesseract.pytesseract.osd_to_dict(handle.read())
        if "rotate" not in osd:
            return None
        return Orientation(
            rotate=int(osd["rotate"]), confidence=float(osd.get("orientation_conf", 0))
        )

    def _run(self, image_path: str, base: str, lang: str, config: str, extension: str = "") -> None:
        """One Tesseract process; its failures become ours, with the install hint."""
        pytesseract.pytesseract.tesseract_cmd = self.command
        try:
            pytesseract.pytesseract.run_tesseract(
                image_path, base, extension, lang, config=config, timeout=self.timeout_seconds
            )
        except pytesseract.TesseractNotFoundError as exc:
            raise DependencyMissing(f"Tesseract ist nicht installiert: {INSTALL_HINT}") from exc
        except pytesseract.TesseractError as exc:
            if "Failed loading language" in str(exc.message):
                raise DependencyMissing(
                    f"Tesseract-Sprachdaten für {lang} fehlen: {INSTALL_HINT}"
                ) from exc
            raise ToolFailed(f"Tesseract ist fehlgeschlagen: {_first_line(exc.message)}") from exc
        except RuntimeError as exc:
            raise ToolFailed(
                f"Tesseract hat nach {self.timeout_seconds} s abgebrochen (Seite zu komplex)"
            ) from exc


@dataclass(frozen=True)
class Orientation:
    """OSD's answer: turn the page ``rotate`` degrees clockwise to read it."""

    rotate: int
    confidence: float


def _dpi(image: Image.Image) -> int:
    return int(image.info.get("dpi", (300, 300))[0])


@contextlib.contextmanager
def _uncompressed_copy(image: Image.Image) -> Iterator[str]:
    """Hand Tesseract an uncompressed BMP. A PNG's compression of a noisy 300 dpi page
    costs ~0.3 s in Pillow; of the uncompressed formats, Leptonica reads BMP and TIFF
    fastest and PGM 17 % slower (it reads PGM pixel by pixel), all with the same text
    (``bench/ocr/page_steps.py``). BMP keeps grey as a palette, which would bloat a PDF
    page image, but Tesseract only writes the invisible text layer here
    (``textonly_pdf``)."""
    with tempfile.TemporaryDirectory(prefix="eakte-ocr-") as folder:
        grey = image if image.mode in ("L", "1") else image.convert("L")
        path = os.path.join(folder, "page.bmp")
        grey.save(path, format="BMP")
        yield path


def _moved(data: dict[str, list[Any]], dx: int, dy: int) -> dict[str, list[Any]]:
    """TSV positions of a part of the page, as positions on the whole page."""
    if not (dx or dy) or "left" not in data:
        return data
    moved = dict(data)
    moved["left"] = [int(value) + dx for value in data["left"]]
    moved["top"] = [int(value) + dy for value in data["top"]]
    return moved


def text_from_tsv(data: dict[str, list[Any]], dpi: int | None = None) -> str:
    """Join words into lines and lines into paragraphs, in reading order: Tesseract's,
    except that a letter head's info block follows its address field (with ``dpi``;
    see ``ingest.reading_order``)."""
    paragraphs: list[list[list[str]]] = []
    previous: tuple[int, ...] | None = None
    for key, word in in_reading_order(words_of(data), dpi):
        if previous is None or key[:3] != previous[:3]:
            paragraphs.append([])
        if key != previous:
            paragraphs[-1].append([])
        paragraphs[-1][-1].append(word.text)
        previous = key
    return "\n\n".join("\n".join(" ".join(line) for line in p) for p in paragraphs)


def mean_confidence(data: dict[str, list[Any]]) -> float | None:
    """Mean word confidence (0–100) over recognised words; None when nothing was read."""
    confidences = [
        float(conf)
        for conf, word in zip(data["conf"], data["text"], strict=True)
        if str(word).strip() and float(conf) >= 0
    ]
    if not confidences:
        return None
    return round(sum(confidences) / len(confidences), 1)


def _first_line(message: object) -> str:
    text = str(message).strip()
    return text.splitlines()[0] if text else "unbekannter Fehler"
