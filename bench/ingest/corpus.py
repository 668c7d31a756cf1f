"""The ingest benchmark's input: half born-digital PDF pages, half scans, with ground truth.

Scans come in the formats the post room produces (single PNG and JPEG pages, multi-page
TIFFs and image-only PDFs from batch scanners) with mild skew, blur and grain, so the
benchmark exercises decoding and OCR the way real intake does.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/ingest/corpus.py` finds `samples`
    sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from samples.letters import Letter, generate_letters  # noqa: E402
from samples.render import make_image_pdf, make_text_pdf, make_tiff, render_scan  # noqa: E402

TRUTH_FILE = ".truth.json"  # hidden: `eakte ingest DIR` skips it
BORN = "born_digital"
SCANS = "scans"
SCAN_FORMATS = ("png", "tif", "pdf", "jpg")  # cycled; tif and pdf carry up to 3 pages


@dataclass(frozen=True)
class CorpusFile:
    path: str
    half: str  # BORN or SCANS
    format: str
    truth: list[str]  # expected text per page


def _scan(text: str, rng: random.Random, seed: int, dpi: int) -> Image.Image:
    """Mild artefacts: what a decent office scanner delivers, not a torture test."""
    return render_scan(text, dpi, angle=rng.uniform(-1.0, 1.0), noise=0.05, blur=0.5, seed=seed)


def _born_digital(folder: Path, letters: Iterator[Letter], target: int) -> list[CorpusFile]:
    files: list[CorpusFile] = []
    pages = 0
    while pages < target:
        letter = next(letters)
        truth = letter.pages()[: target - pages]
        path = folder / f"brief_{len(files) + 1:03d}.pdf"
        files.append(CorpusFile(str(path), BORN, "pdf", make_text_pdf(path, truth)))
        pages += len(truth)
    return files


def _scans(
    folder: Path, letters: Iterator[Letter], target: int, rng: random.Random, dpi: int
) -> list[CorpusFile]:
    files: list[CorpusFile] = []
    pages = 0
    while pages < target:
        fmt = SCAN_FORMATS[len(files) % len(SCAN_FORMATS)]
        letter = next(letters)
        most = 3 if fmt in ("tif", "pdf") else 1
        truth = letter.pages()[: min(most, target - pages)]
        images = [_scan(text, rng, pages + i, dpi) for i, text in enumerate(truth)]
        path = folder / f"scan_{len(files) + 1:03d}.{fmt}"
        if fmt == "png":
            images[0].save(path, dpi=(dpi, dpi))
        elif fmt == "jpg":
            images[0].save(path, dpi=(dpi, dpi), quality=80)
        elif fmt == "tif":
            make_tiff(path, images)
        else:
            make_image_pdf(path, images)
        files.append(CorpusFile(str(path), SCANS, fmt, truth))
        pages += len(truth)
    return files


def make_corpus(
    folder: Path, pages: int, seed: int = 7, dpi: int = 300, scan_share: float = 0.5
) -> list[CorpusFile]:
    """Write `pages` pages (`scan_share` of them scanned) under folder/{BORN,SCANS}."""
    letters = generate_letters(10 * pages + 10, seed, long_every=3)
    (folder / BORN).mkdir(parents=True, exist_ok=True)
    (folder / SCANS).mkdir(parents=True, exist_ok=True)
    scan_pages = round(pages * scan_share)
    born = _born_digital(folder / BORN, letters, pages - scan_pages)
    scans = _scans(folder / SCANS, letters, scan_pages, random.Random(seed), dpi)
    return born + scans


def main(argv: list[str] | None = None) -> int:
    """Run as its own process so the benchmark's parent stays small (see run.py)."""
    parser = argparse.ArgumentParser(description="Write the ingest benchmark corpus.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scan-share", type=float, default=0.5)
    args = parser.parse_args(argv)
    corpus = make_corpus(args.folder, args.pages, args.seed, scan_share=args.scan_share)
    listing = [asdict(item) for item in corpus]
    (args.folder / TRUTH_FILE).write_text(json.dumps(listing, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
