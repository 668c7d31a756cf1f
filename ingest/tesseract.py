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

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-deu tesseract-ocr-osd"


@dataclass(frozen=True)
class TesseractOcr:
    """The ``OcrEngine`` for scans; honours ``image.info["dpi"]``."""

    languages: str = "deu+eng"
    page_segmentation_mode: int = 3
    command: str = "tesseract"
    timeout_seconds: int = 300

    def recognize(self, image: Image.Image) -> OcrResult:
        dpi = int(image.info.get("dpi", (300, 300))[0])
        config = f"--psm {self.page_segmentation_mode} --dpi {dpi}"
        pytesseract.pytesseract.tesseract_cmd = self.command
        try:
            with _uncompressed_copy(image) as image_path:
                data = pytesseract.image_to_data(
                    image_path,
                    lang=self.languages,
                    config=config,
                    output_type=pytesseract.Output.DICT,
                    timeout=self.timeout_seconds,
                )
        except pytesseract.TesseractNotFoundError as exc:
            raise DependencyMissing(f"Tesseract ist nicht installiert: {INSTALL_HINT}") from exc
        except pytesseract.TesseractError as exc:
            if "Failed loading language" in str(exc.message):
                raise DependencyMissing(
                    f"Tesseract-Sprachdaten für {self.languages} fehlen: {INSTALL_HINT}"
                ) from exc
            raise ToolFailed(f"Tesseract ist fehlgeschlagen: {_first_line(exc.message)}") from exc
        except RuntimeError as exc:
            raise ToolFailed(
                f"Tesseract hat nach {self.timeout_seconds} s abgebrochen (Seite zu komplex)"
            ) from exc
        return OcrResult(text=text_from_tsv(data), confidence=mean_confidence(data))


@contextlib.contextmanager
def _uncompressed_copy(image: Image.Image) -> Iterator[str]:
    """Hand Tesseract a BMP file: pytesseract would otherwise write a PNG, whose
    compression of a noisy 300 dpi page costs ~0.9 s, as long as Tesseract itself
    needs for a page (measured in ``bench/text_extract`` and the ingest benchmark)."""
    with tempfile.TemporaryDirectory(prefix="eakte-ocr-") as folder:
        path = os.path.join(folder, "page.bmp")
        image.save(path, format="BMP")
        yield path


def text_from_tsv(data: dict[str, list[Any]]) -> str:
    """Join words into lines and lines into paragraphs, in Tesseract's reading order."""
    paragraphs: list[list[str]] = []
    lines: dict[tuple[int, int, int], list[str]] = {}
    for block, par, line, word in zip(
        data["block_num"], data["par_num"], data["line_num"], data["text"], strict=True
    ):
        word = str(word).strip()
        if not word:
            continue
        key = (int(block), int(par), int(line))
        if key not in lines:
            if not lines or next(reversed(lines))[:2] != key[:2]:
                paragraphs.append([])
            lines[key] = []
            paragraphs[-1].append("")
        lines[key].append(word)
        paragraphs[-1][-1] = " ".join(lines[key])
    return "\n\n".join("\n".join(p) for p in paragraphs)


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
