"""Tesseract adapter: libtesseract in this process (via tesserocr), one call per page
for words with confidences and, in the same recognition, the invisible text layer.

In process, because the ``tesseract`` command starts and loads its model again for every
page, and because it measured faster: the same page took 0.74× the command's time, of
which the command's start-up explains 0.08 s of ~1 s (the rest, we think, is the wheel's
build of libtesseract against Debian's; the words came out identical on all 48 pages,
``bench/ocr/page_steps.py``). A worker process keeps one loaded engine per language and
mode. The tesserocr wheel brings its own libtesseract (5.3.4, single-threaded) and reads
the language data of Debian's packages. We ask for TSV and rebuild the text from its
block/paragraph/line numbers, so the text keeps Tesseract's reading order (see
``ingest.reading_order``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tesserocr
from PIL import Image

from eakte.errors import DependencyMissing, ToolFailed
from eakte.health import Probe, probe_errors
from eakte.ports import OcrResult
from ingest import geometry
from ingest.reading_order import in_reading_order, words_of

INSTALL_HINT = "apt-get install tesseract-ocr-deu tesseract-ocr-osd"
OSD_MIN_DPI = 100
# where Debian (5 and 4), Fedora and source builds put the language data
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
TSV_COLUMNS = (
    *("level", "page_num", "block_num", "par_num", "line_num", "word_num"),
    *("left", "top", "width", "height", "conf", "text"),
)


def find_tessdata(configured: str = "") -> str:
    """The folder of ``*.traineddata``: the setting if there is one (a wrong one is an
    error, not a reason to look elsewhere), else ``TESSDATA_PREFIX``, else the first of
    the usual places that exists."""
    candidates = [configured] if configured else [os.environ.get("TESSDATA_PREFIX", "")]
    for folder in (*candidates, *([] if configured else TESSDATA_DIRS)):
        if folder and Path(folder).is_dir():
            return folder
    wanted = configured or TESSDATA_DIRS[0]
    raise DependencyMissing(f"Tesseract-Sprachdaten nicht gefunden ({wanted}): {INSTALL_HINT}")


def installed_languages(configured: str = "") -> set[str]:
    """The languages whose ``.traineddata`` lie in the language data folder."""
    try:
        folder = Path(find_tessdata(configured))
    except DependencyMissing:
        return set()
    return {path.stem for path in folder.glob("*.traineddata")}


def language_package(language: str) -> str:
    """Debian's package for a language's data (``chi_sim``: ``tesseract-ocr-chi-sim``)."""
    return f"tesseract-ocr-{language.lower().replace('_', '-')}"


def install_command(language: str) -> str:
    return f"apt-get install {language_package(language)}"


def library_version() -> str:
    """libtesseract's version number (``tesseract_version()`` starts "tesseract 5.3.4")."""
    return str(tesserocr.tesseract_version()).split()[1]


@dataclass(frozen=True)
class PageOcr:
    """One Tesseract run: the words, and the page's invisible text layer as a PDF of
    ``box`` (the part of the page that was read) when it was asked for;
    ``ingest.archive_pdf`` puts the whole page image under it."""

    result: OcrResult
    pdf: bytes | None
    box: geometry.Box | None = None


@dataclass(frozen=True)
class TesseractOcr:
    """The ``OcrEngine`` for scans; honours ``image.info["dpi"]``."""

    languages: str = "deu"
    page_segmentation_mode: int = 3
    tessdata: str = ""  # empty: ``find_tessdata``
    timeout_seconds: int = 300
    optional_languages: str = ""  # reported by ``health`` as optional (Fraktur: "deu+frk")

    def recognize(self, image: Image.Image) -> OcrResult:
        return self.read_page(image, with_pdf=False).result

    def read_page(self, image: Image.Image, *, with_pdf: bool) -> PageOcr:
        """Words with confidences (TSV) and, in the same run, the text layer PDF:
        asking for both costs one recognition, not two.

        Only the inked part of the page is handed over (``geometry.ink_box``): a
        letter's empty margins are ~40 % of an A4 page, and Tesseract's layout analysis
        costs by area (0.93× the time on the same page, with the same CER median,
        ``bench/ocr/page_steps.py``). Word positions are page positions again before
        the reading order is made."""
        dpi = _dpi(image)
        box = geometry.ink_box(image)
        part = image.crop(box)
        part.info["dpi"] = (dpi, dpi)
        engine = _engine(self.tessdata, self.languages, self.page_segmentation_mode)
        limit = self.timeout_seconds * 1000
        with engine.lock:
            engine.api.SetVariable("user_defined_dpi", str(dpi))
            started = time.monotonic()
            if with_pdf:
                pdf = _recognised_with_text_layer(engine.api, part, limit)
                done = pdf is not None
            else:
                pdf = None
                engine.api.SetImage(part if part.mode == "L" else part.convert("L"))
                done = engine.api.Recognize(timeout=limit)
            if not done:
                raise ToolFailed(_failure(time.monotonic() - started, self.timeout_seconds))
            data = read_tsv(engine.api.GetTSVText(0))
        data = _moved(data, box[0], box[1])
        text = text_from_tsv(data, dpi, page_width=image.width)
        result = OcrResult(text=text, confidence=mean_confidence(data))
        return PageOcr(result=result, pdf=pdf, box=box)

    @probe_errors("Tesseract")
    def health(self) -> list[Probe]:
        """The library, the language data folder, each configured language (and,
        optional, ``osd``: without it pages are not turned, and the Fraktur model: without
        it historical print is read with the modern one) and, when all are there,
        whether libtesseract loads them together."""
        required = self.languages.split("+")
        optional = [*filter(None, self.optional_languages.split("+")), "osd"]
        wanted = list(dict.fromkeys([*required, *optional]))
        installed = installed_languages(self.tessdata)
        languages = [
            Probe(f"Sprachdaten {lang}", True, "installiert", required=lang in required)
            if lang in installed
            else Probe(
                f"Sprachdaten {lang}", False, "fehlt", install_command(lang), lang in required
            )
            for lang in wanted
        ]
        try:
            folder = find_tessdata(self.tessdata)
        except DependencyMissing as exc:
            return [Probe("Tesseract", False, exc.message, INSTALL_HINT), *languages]
        library = f"libtesseract {library_version()}"
        if not all(lang in installed for lang in self.languages.split("+")):
            return [Probe("Tesseract", True, f"{library}, Sprachdaten in {folder}"), *languages]
        try:
            with tesserocr.PyTessBaseAPI(path=folder, lang=self.languages) as api:
                loaded = api.GetInitLanguagesAsString()
        except RuntimeError:
            packages = " ".join(language_package(lang) for lang in self.languages.split("+"))
            unreadable = f"{library} kann {self.languages} aus {folder} nicht laden"
            fix = f"apt-get install --reinstall {packages}"
            return [Probe("Tesseract", False, unreadable, fix), *languages]
        return [Probe("Tesseract", True, f"{library} lädt {loaded} aus {folder}"), *languages]

    def orientation(self, image: Image.Image) -> Orientation | None:
        """Tesseract's orientation detection (OSD) on a half-resolution copy: as
        reliable on letters at 150 dpi as at 300, at half the cost (bench/ocr).
        None when the page has too little text to tell, or the OSD data is not
        installed (``eakte doctor`` lists it as optional)."""
        dpi = _dpi(image)
        half = image.reduce(2) if dpi >= OSD_MIN_DPI * 2 else image.copy()
        half_dpi = dpi // 2 if dpi >= OSD_MIN_DPI * 2 else dpi
        try:
            engine = _engine(self.tessdata, "osd", tesserocr.PSM.OSD_ONLY)
        except DependencyMissing:
            return None
        with engine.lock:
            engine.api.SetVariable("user_defined_dpi", str(half_dpi))
            engine.api.SetImage(half if half.mode == "L" else half.convert("L"))
            found = engine.api.DetectOrientationScript()
        if not found:
            return None  # "too few characters": nothing to turn
        return Orientation(
            rotate=(360 - int(found["orient_deg"])) % 360,
            confidence=float(found.get("orient_conf", 0.0)),
            script=str(found.get("script_name", "")),
        )


@dataclass
class _Engine:
    api: tesserocr.PyTessBaseAPI
    lock: threading.Lock


_ENGINES: dict[tuple[str, str, int], _Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(tessdata: str, languages: str, mode: int) -> _Engine:
    """This process's loaded engine for the languages and mode (an API object is not
    safe to share between threads, hence the lock)."""
    folder = find_tessdata(tessdata)
    key = (folder, languages, int(mode))
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            try:
                api = tesserocr.PyTessBaseAPI(path=folder, lang=languages, psm=int(mode))
            except RuntimeError as exc:
                raise DependencyMissing(
                    f"Tesseract-Sprachdaten für {languages} fehlen in {folder}: {INSTALL_HINT}"
                ) from exc
            engine = _ENGINES[key] = _Engine(api, threading.Lock())
    return engine


def _recognised_with_text_layer(
    api: tesserocr.PyTessBaseAPI, image: Image.Image, limit_ms: int
) -> bytes | None:
    """Recognise the page through Tesseract's PDF renderer, which writes the invisible
    text layer (its own JPEG of the page would cost ~170 ms) and keeps the result in the
    API for the TSV; the renderer reads its page from a file. None when it failed."""
    api.SetVariable("tessedit_create_pdf", "1")
    api.SetVariable("textonly_pdf", "1")
    with _uncompressed_copy(image) as image_path:
        base = os.path.join(os.path.dirname(image_path), "out")
        if not api.ProcessPages(base, image_path, timeout=limit_ms):
            return None
        return Path(base + ".pdf").read_bytes()


def _failure(seconds: float, limit: int) -> str:
    if seconds >= limit:
        return f"Tesseract hat nach {limit} s abgebrochen (Seite zu komplex)"
    return "Tesseract ist fehlgeschlagen: Seite nicht lesbar"


def read_tsv(text: str) -> dict[str, list[Any]]:
    """Tesseract's TSV as columns (numbers as int, conf as float); the header, if any,
    is skipped. Split on tabs only: a word may hold quotes, never a tab."""
    data: dict[str, list[Any]] = {name: [] for name in TSV_COLUMNS}
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) != len(TSV_COLUMNS) or cells[0] == "level":
            continue
        for name, cell in zip(TSV_COLUMNS[:-2], cells[:-2], strict=True):
            data[name].append(int(cell))
        data["conf"].append(float(cells[-2]))
        data["text"].append(cells[-1])
    return data


@dataclass(frozen=True)
class Orientation:
    """OSD's answer: turn the page ``rotate`` degrees clockwise to read it."""

    rotate: int
    confidence: float
    script: str = ""  # OSD's script of the page: "Latin", "Fraktur", ...


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
    if not (dx or dy):
        return data
    moved = dict(data)
    moved["left"] = [int(value) + dx for value in data["left"]]
    moved["top"] = [int(value) + dy for value in data["top"]]
    return moved


def text_from_tsv(
    data: dict[str, list[Any]], dpi: int | None = None, *, page_width: int | None = None
) -> str:
    """Join words into lines and lines into paragraphs, in reading order: Tesseract's,
    except that a letter head's info block follows its address field (with ``dpi`` and
    a letter-wide ``page_width``; see ``ingest.reading_order``)."""
    paragraphs: list[list[list[str]]] = []
    previous: tuple[int, ...] | None = None
    for key, word in in_reading_order(words_of(data), dpi, page_width):
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
