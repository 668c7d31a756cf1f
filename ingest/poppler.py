"""poppler-utils adapter: the second PDF reader, asked only when pdfium gives up.

pdfium is fast and is the reader (``ingest.pdf``); poppler repairs more damage (broken
cross-reference tables, pages pdfium cannot draw). A PDF poppler reads is never refused
because pdfium could not, so the PDF handler asks poppler's command-line tools
(``pdfinfo``, ``pdftotext``, ``pdftoppm``; Debian ``poppler-utils``) before it gives up.
Each call runs with a time limit; its failure is ``CorruptInput``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from eakte.errors import CorruptInput, DependencyMissing, EncryptedInput

TIMEOUT_SECONDS = 120
INSTALL_HINT = "apt-get install poppler-utils"
_PAGES = re.compile(rb"^Pages:\s+(\d+)", re.MULTILINE)
_SIZE = re.compile(rb"^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.MULTILINE)


def available() -> bool:
    return all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdftoppm"))


def page_count(path: Path) -> int:
    """The number of pages poppler sees; ``CorruptInput`` when it cannot read the file."""
    done = _run(["pdfinfo", str(path)])
    if done.returncode != 0:
        if b"Incorrect password" in done.stderr:
            raise EncryptedInput("PDF ist passwortgeschützt und kann nicht gelesen werden")
        raise CorruptInput("PDF ist beschädigt oder kein gültiges PDF")
    found = _PAGES.search(done.stdout)
    if found is None or int(found.group(1)) < 1:
        raise CorruptInput("PDF enthält keine Seiten")
    return int(found.group(1))


def page_size(path: Path, index: int) -> tuple[float, float]:
    """Width and height in points of page ``index`` (0-based)."""
    number = str(index + 1)
    done = _run(["pdfinfo", "-f", number, "-l", number, str(path)])
    found = _SIZE.search(done.stdout) if done.returncode == 0 else None
    if found is None:
        raise CorruptInput(f"Seite {index + 1} des PDF lässt sich nicht darstellen")
    return float(found.group(1)), float(found.group(2))


def page_texts(path: Path, pages: int) -> list[str]:
    """The text layer of each page (``pdftotext`` ends pages with a form feed)."""
    done = _run(["pdftotext", "-q", "-layout", "-enc", "UTF-8", str(path), "-"])
    if done.returncode != 0:
        return [""] * pages
    texts = done.stdout.decode("utf-8", errors="replace").split("\f")
    return [text.strip() for text in (texts + [""] * pages)[:pages]]


def render_page(path: Path, index: int, dpi: int) -> Image.Image:
    """Page ``index`` (0-based) rendered grey at ``dpi`` by ``pdftoppm``."""
    number = str(index + 1)
    with tempfile.TemporaryDirectory(prefix="eakte-poppler-") as folder:
        base = Path(folder) / "page"
        command = ["pdftoppm", "-q", "-gray", "-r", str(dpi), "-f", number, "-l", number]
        done = _run([*command, "-singlefile", str(path), str(base)])
        output = base.with_suffix(".pgm")
        if done.returncode != 0 or not output.is_file():
            raise CorruptInput(f"Seite {index + 1} des PDF lässt sich nicht darstellen")
        with Image.open(output) as image:
            page = image.convert("L")
    page.info["dpi"] = (dpi, dpi)
    return page


def _run(command: list[str]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except FileNotFoundError as exc:
        raise DependencyMissing(f"{command[0]} fehlt: {INSTALL_HINT}") from exc
    except subprocess.TimeoutExpired as exc:
        raise CorruptInput(f"PDF: {command[0]} nach {TIMEOUT_SECONDS} s abgebrochen") from exc
