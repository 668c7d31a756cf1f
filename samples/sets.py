"""The README's sample set: one file of each kind the post room delivers, with ground truth.

Each file's expected text goes to `.truth/NAME.txt` (pages separated by a form feed,
`\\f`) and `.truth/samples.json` lists what was written, so tests and demos need no
hand-kept fixtures. The folder is hidden because `eakte ingest DIR` skips hidden files:
`eakte ingest OUT_DIR` ingests exactly the documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from samples.letters import Letter, generate_letters
from samples.render import (
    make_mixed_pdf,
    make_text_pdf,
    make_tiff,
    render_scan,
)

SEED = 20240115
TRUTH_DIR = ".truth"


@dataclass(frozen=True)
class Sample:
    file: str
    kind: str
    betreff: str
    pages: int
    text_layer: bool  # True when every page has a text layer
    description: str


def _letters(seed: int = SEED) -> Iterator[Letter]:
    yield from generate_letters(10_000, seed, long_every=3)


def _first(kind: str, *, min_pages: int = 1, max_pages: int = 1) -> Letter:
    """The first generated letter of `kind` whose page count fits; deterministic."""
    for letter in _letters():
        if letter.kind == kind and min_pages <= len(letter.pages()) <= max_pages:
            return letter
    raise LookupError(kind)


def truth_path(document: Path) -> Path:
    """Where the ground truth of a sample document lives."""
    return document.parent / TRUTH_DIR / f"{document.name}.txt"


def read_truth(document: Path) -> list[str]:
    """The expected text of each page of a sample document."""
    return truth_path(document).read_text(encoding="utf-8").removesuffix("\n").split("\f")


def _write_truth(path: Path, pages: list[str]) -> None:
    target = truth_path(path)
    target.parent.mkdir(exist_ok=True)
    target.write_text("\f".join(pages) + "\n", encoding="utf-8")


def write_sample_set(out_dir: str | Path) -> list[Sample]:
    """Write the ~8 README samples into `out_dir` and return what was written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Sample] = []

    def add(name: str, letter: Letter, pages: list[str], text_layer: bool, what: str) -> None:
        _write_truth(out / name, pages)
        written.append(Sample(name, letter.kind, letter.betreff, len(pages), text_layer, what))

    for name, kind, min_pages, max_pages, what in (
        ("brief_bauantrag.pdf", "bauantrag", 1, 1, "born-digital letter, 1 page"),
        ("brief_widerspruch.pdf", "widerspruch", 2, 9, "born-digital letter, several pages"),
        ("brief_gemeinderat.pdf", "gemeinderat", 1, 1, "born-digital council enquiry"),
        ("rechnung.pdf", "rechnung", 1, 1, "born-digital invoice with IBAN"),
    ):
        letter = _first(kind, min_pages=min_pages, max_pages=max_pages)
        add(name, letter, make_text_pdf(out / name, letter.pages()), True, what)

    letter = _first("beschwerde")
    page = letter.pages()[0]
    scan = render_scan(page, angle=0.7, noise=0.15, blur=0.6, seed=1)
    scan.save(out / "scan_beschwerde.png", dpi=(300, 300), optimize=False)
    add("scan_beschwerde.png", letter, [page], False, "noisy, slightly skewed scan (PNG)")

    letter = _first("gewerbe")
    page = letter.pages()[0]
    scan = render_scan(page, angle=-0.4, noise=0.05, blur=0.5, seed=2)
    scan.save(out / "scan_gewerbe.jpg", dpi=(300, 300), quality=70)
    add("scan_gewerbe.jpg", letter, [page], False, "JPEG scan (quality 70)")

    letter = _first("beschwerde", min_pages=3, max_pages=3)
    pages = letter.pages()
    frames = [
        render_scan(text, angle=(i - 1) * 0.5, noise=0.05, blur=0.5, seed=10 + i)
        for i, text in enumerate(pages)
    ]
    make_tiff(out / "stapel_3_seiten.tif", frames)
    add("stapel_3_seiten.tif", letter, pages, False, "3-page TIFF from a batch scanner")

    letter = _first("bauantrag", min_pages=2, max_pages=9)
    first, second = letter.pages()[:2]
    make_mixed_pdf(out / "gemischt.pdf", [first], [render_scan(second, noise=0.05, seed=3)])
    add("gemischt.pdf", letter, [first, second], False, "page 1 text layer, page 2 image only")

    manifest = [asdict(sample) for sample in written]
    listing = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (out / TRUTH_DIR / "samples.json").write_text(listing, encoding="utf-8")
    return written
