"""The OCR benchmark's scans: image-only PDFs of 3-5 pages plus each page as a PNG.

Every system must see the same pixels, so the PNGs are not a second rendering: they are
the JPEG streams taken back out of the PDFs (pikepdf) and decoded. Deterministic for a
given seed; cached under ~/.cache/eakte/bench/ocr-corpus because rendering 48 noisy
300 dpi pages costs about a minute of a 2-core machine.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pikepdf

from bench.ocr.layout import Page, draw_artefacts, letter_pages, scan
from samples.letters import generate_letters
from samples.render import make_image_pdf

VERSION = 1  # bump when the layout or the artefacts change, so caches are not reused
CACHE = Path.home() / ".cache" / "eakte" / "bench" / "ocr-corpus"
TRUTH_FILE = "truth.json"
PDF_DIR, PNG_DIR = "pdf", "png"
DPI = 300


def _plan_pages(count: int, seed: int) -> list[Page]:
    """Exactly `count` pages of DIN 5008 letters (a long letter continues on page 2)."""
    rng = random.Random(seed)
    pages: list[Page] = []
    for letter in generate_letters(count + 10, seed):
        pages += letter_pages(letter, rng)
        if len(pages) >= count:
            break
    return pages[:count]


def _file_sizes(count: int, rng: random.Random) -> list[int]:
    """Batches of 3-5 pages; the remainder is folded into the earlier files."""
    sizes: list[int] = []
    while sum(sizes) < count:
        sizes.append(min(rng.randint(3, 5), count - sum(sizes)))
    while len(sizes) > 1 and sizes[-1] < 3:
        extra = sizes.pop()
        for i in range(extra):
            sizes[-(i % len(sizes)) - 1] += 1
    return sizes


def upside_down_count(pages: int) -> int:
    """About one page in ten (5 of 48), at least one, as the issue asks for 4-6."""
    return max(1, round(pages / 10))


def _export_pngs(pdf_path: Path, png_paths: list[Path]) -> None:
    with pikepdf.open(pdf_path) as pdf:
        for page, png in zip(pdf.pages, png_paths, strict=True):
            (image,) = page.images.values()
            pikepdf.PdfImage(image).as_pil_image().save(png, dpi=(DPI, DPI))


def build(folder: Path, pages: int, seed: int) -> dict[str, Any]:
    """Write pdf/*.pdf, png/*.png and truth.json under `folder`; return the truth."""
    rng = random.Random(seed + 1)
    plan = _plan_pages(pages, seed)
    flipped = set(rng.sample(range(len(plan)), upside_down_count(len(plan))))
    (folder / PDF_DIR).mkdir(parents=True)
    (folder / PNG_DIR).mkdir()
    files: list[dict[str, Any]] = []
    start = 0
    for number, size in enumerate(_file_sizes(len(plan), rng), 1):
        pdf_path = folder / PDF_DIR / f"scan_{number:03d}.pdf"
        images, entries = [], []
        for index in range(start, start + size):
            artefacts = draw_artefacts(rng, index in flipped)
            images.append(scan(plan[index], artefacts, seed=seed * 1000 + index, dpi=DPI))
            entries.append(
                {
                    "page": index,
                    "png": f"{PNG_DIR}/page_{index + 1:03d}.png",
                    "artefacts": asdict(artefacts),
                    "blocks": [
                        {"name": b.name, "lines": [line for line in b.lines if line.strip()]}
                        for b in plan[index].blocks
                    ],
                }
            )
        make_image_pdf(pdf_path, images, quality=90)
        _export_pngs(pdf_path, [folder / e["png"] for e in entries])
        files.append({"pdf": f"{PDF_DIR}/{pdf_path.name}", "pages": entries})
        start += size
    truth = {"version": VERSION, "seed": seed, "dpi": DPI, "files": files}
    (folder / TRUTH_FILE).write_text(json.dumps(truth, ensure_ascii=False, indent=1))
    return truth


def ensure(pages: int, seed: int, cache: Path = CACHE) -> tuple[Path, dict[str, Any]]:
    """The cached corpus for (pages, seed), built on first use; returns folder and truth."""
    folder = cache / f"v{VERSION}-p{pages}-s{seed}"
    truth_path = folder / TRUTH_FILE
    if truth_path.exists():
        return folder, json.loads(truth_path.read_text())
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    build(partial, pages, seed)
    partial.rename(folder)
    return folder, json.loads(truth_path.read_text())


def all_pages(truth: dict[str, Any]) -> list[dict[str, Any]]:
    """Pages in corpus order, each with the PDF it belongs to."""
    return [{**page, "pdf": f["pdf"]} for f in truth["files"] for page in f["pages"]]
