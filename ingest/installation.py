"""What ``eakte ingest`` needs installed, checked before any file is touched.

A language missing from ``EAKTE_OCR_LANGUAGES`` used to show only in the results (every
page read with the languages that were there, exit code 0); a missing ``pdftoppm`` only
when a damaged PDF needed it. Both are configuration errors (exit code 2) whose message
is the command that fixes them.
"""

from __future__ import annotations

import shutil

from eakte.errors import DependencyMissing
from eakte.settings import Settings
from ingest.tesseract import find_tessdata, installed_languages

POPPLER_TOOLS = ("pdfinfo", "pdftotext", "pdftoppm")


def apt_package(language: str) -> str:
    """Debian's package of a Tesseract language (``chi_sim`` → ``tesseract-ocr-chi-sim``)."""
    return "tesseract-ocr-" + language.replace("_", "-").replace("/", "-").lower()


def check_installation(settings: Settings) -> None:
    """Raise ``DependencyMissing`` naming the first thing missing and how to install it."""
    folder = find_tessdata(settings.tessdata_dir)
    wanted = [lang.strip() for lang in settings.ocr_languages.split("+") if lang.strip()]
    if not wanted:
        raise DependencyMissing("EAKTE_OCR_LANGUAGES ist leer: z. B. EAKTE_OCR_LANGUAGES=deu")
    installed = installed_languages(settings.tessdata_dir)
    missing = [lang for lang in wanted if lang not in installed]
    if missing:
        packages = " ".join(apt_package(lang) for lang in missing)
        raise DependencyMissing(
            f"Tesseract-Sprachdaten {', '.join(missing)} fehlen in {folder} "
            f"(EAKTE_OCR_LANGUAGES={settings.ocr_languages}): apt-get install {packages}"
        )
    absent = [tool for tool in POPPLER_TOOLS if shutil.which(tool) is None]
    if absent:
        raise DependencyMissing(
            f"{', '.join(absent)} fehlt (zweiter PDF-Leser): apt-get install poppler-utils"
        )
