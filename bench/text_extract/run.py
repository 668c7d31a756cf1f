"""Text extraction benchmark: pdfplumber vs pypdfium2 on born-digital pages, and
Tesseract with one OpenMP thread vs its default, on scans.

Why: ingest must pick one text-layer library and one Tesseract thread setting; both
choices should rest on numbers from the same run on the same generated pages, with
quality measured against exact ground truth, not on folklore.

Run from the repository root: `.venv/bin/python bench/text_extract/run.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/text_extract/run.py` finds `samples`
    sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
import pytesseract  # noqa: E402

from samples.letters import generate_letters  # noqa: E402
from samples.render import make_text_pdf, render_scan  # noqa: E402

try:
    from rapidfuzz.distance import Levenshtein

    def edit_distance(a: str, b: str) -> int:
        return int(Levenshtein.distance(a, b))

    DISTANCE = f"rapidfuzz {version('rapidfuzz')} Levenshtein"
except ImportError:  # pragma: no cover - fallback keeps the benchmark runnable anywhere
    import difflib

    def edit_distance(a: str, b: str) -> int:
        """Approximate edits from difflib opcodes (exact enough for a few-% CER)."""
        ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")

    DISTANCE = "difflib opcodes (approximate Levenshtein)"

Doc = tuple[Path, list[str]]  # a PDF and the ground truth of each page


def normalise(text: str) -> str:
    """Layout whitespace differs by library (\\r\\n, trailing blanks); words must not."""
    return re.sub(r"\s+", " ", text).strip()


def cer(found: str, truth: str) -> float:
    """Character error rate: edits needed per ground-truth character."""
    found, truth = normalise(found), normalise(truth)
    return edit_distance(found, truth) / max(1, len(truth))


def make_documents(folder: Path, pages: int, seed: int) -> list[Doc]:
    """Incoming-post-like PDFs of 1-3 pages until at least `pages` pages exist."""
    docs: list[Doc] = []
    total = 0
    for number, letter in enumerate(generate_letters(10 * pages, seed, long_every=3)):
        if total >= pages:
            break
        path = folder / f"brief_{number:04d}.pdf"
        docs.append((path, make_text_pdf(path, letter.pages())))
        total += len(docs[-1][1])
    return docs


def read_pdfplumber(path: Path, timings: list[float], texts: list[str]) -> None:
    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        opened = time.perf_counter() - started
        share = opened / len(pdf.pages)
        for page in pdf.pages:
            t0 = time.perf_counter()
            texts.append(page.extract_text() or "")
            page.close()  # frees the parsed layout, as ingest would on long documents
            timings.append(time.perf_counter() - t0 + share)


def read_pypdfium2(path: Path, timings: list[float], texts: list[str]) -> None:
    started = time.perf_counter()
    pdf = pdfium.PdfDocument(str(path))
    try:
        share = (time.perf_counter() - started) / len(pdf)
        for index in range(len(pdf)):
            t0 = time.perf_counter()
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
            timings.append(time.perf_counter() - t0 + share)
    finally:
        pdf.close()


Reader = Callable[[Path, list[float], list[str]], None]
READERS: dict[str, Reader] = {"pdfplumber": read_pdfplumber, "pypdfium2": read_pypdfium2}


def bench_text_layer(docs: list[Doc]) -> dict[str, dict[str, float | int | str]]:
    """Each library reads every document; the order alternates per document for fairness."""
    truth = [page for _, pages in docs for page in pages]
    timings: dict[str, list[float]] = {name: [] for name in READERS}
    texts: dict[str, list[str]] = {name: [] for name in READERS}
    for reader in READERS.values():  # warm-up: imports, font caches
        reader(docs[0][0], [], [])
    walls = dict.fromkeys(READERS, 0.0)
    for index, (path, _) in enumerate(docs):
        order = list(READERS) if index % 2 == 0 else list(READERS)[::-1]
        for name in order:
            started = time.perf_counter()
            READERS[name](path, timings[name], texts[name])
            walls[name] += time.perf_counter() - started
    results: dict[str, dict[str, float | int | str]] = {}
    for name in READERS:
        rates = [cer(found, want) for found, want in zip(texts[name], truth, strict=True)]
        results[name] = {
            "version": version(name),
            "pages": len(truth),
            "median_ms_per_page": round(statistics.median(timings[name]) * 1000, 3),
            "p95_ms_per_page": round(statistics.quantiles(timings[name], n=20)[-1] * 1000, 3),
            "pages_per_second": round(len(truth) / walls[name], 1),
            "cer_mean": round(statistics.fmean(rates), 5),
            "cer_max": round(max(rates), 5),
            "pages_exact": sum(rate == 0 for rate in rates),
            # pdfium reports a hyphen at a line end as U+FFFE and joins the lines
            "u_fffe_chars": sum(text.count("\ufffe") for text in texts[name]),
        }
    return results


def bench_tesseract(folder: Path, pages: int, seed: int) -> dict[str, object]:
    """Same scans, both thread settings, interleaved per page so drift hits both alike."""
    letters = generate_letters(pages, seed + 1)
    scans: list[tuple[Path, str]] = []
    for number, letter in enumerate(letters):
        text = letter.pages()[0]
        path = folder / f"scan_{number}.png"
        render_scan(text, angle=0.4, noise=0.1, blur=0.5, seed=number).save(path, dpi=(300, 300))
        scans.append((path, text))
    settings = {"OMP_THREAD_LIMIT=1": "1", "default threads": None}
    seconds: dict[str, list[float]] = {name: [] for name in settings}
    rates: dict[str, list[float]] = {name: [] for name in settings}
    saved = os.environ.pop("OMP_THREAD_LIMIT", None)
    try:
        for path, text in scans:
            for name, limit in settings.items():
                if limit is None:
                    os.environ.pop("OMP_THREAD_LIMIT", None)
                else:
                    os.environ["OMP_THREAD_LIMIT"] = limit
                started = time.perf_counter()
                found = pytesseract.image_to_string(str(path), lang="deu+eng")
                seconds[name].append(time.perf_counter() - started)
                rates[name].append(cer(found, text))
    finally:
        os.environ.pop("OMP_THREAD_LIMIT", None)
        if saved is not None:
            os.environ["OMP_THREAD_LIMIT"] = saved
    return {
        "tesseract": str(pytesseract.get_tesseract_version()),
        "pages": len(scans),
        "dpi": 300,
        "languages": "deu+eng",
        "inherited_OMP_THREAD_LIMIT": saved,
        "settings": {
            name: {
                "median_seconds_per_page": round(statistics.median(seconds[name]), 3),
                "seconds": [round(s, 3) for s in seconds[name]],
                "cer_mean": round(statistics.fmean(rates[name]), 5),
            }
            for name in settings
        },
    }


def print_table(result: dict[str, object]) -> None:
    text_layer = result["text_layer"]
    assert isinstance(text_layer, dict)
    print(f"\nText layer, {result['pages']} born-digital pages in {result['documents']} PDFs")
    print(f"{'library':12} {'median ms/page':>15} {'p95 ms':>8} {'pages/s':>9} {'CER':>9} exact")
    for name, row in text_layer.items():
        print(
            f"{name:12} {row['median_ms_per_page']:>15.2f} {row['p95_ms_per_page']:>8.2f} "
            f"{row['pages_per_second']:>9.1f} {row['cer_mean']:>9.4%} "
            f"{row['pages_exact']}/{row['pages']}"
        )
    ocr = result.get("ocr")
    if isinstance(ocr, dict):
        print(
            f"\nTesseract {ocr['tesseract']} ({ocr['languages']}), {ocr['pages']} scans at 300 dpi"
        )
        print(f"{'setting':20} {'median s/page':>14} {'CER':>9}")
        for name, row in ocr["settings"].items():
            print(f"{name:20} {row['median_seconds_per_page']:>14.2f} {row['cer_mean']:>9.4%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=240, help="born-digital pages (>=200)")
    parser.add_argument("--ocr-pages", type=int, default=4, help="scans for Tesseract, 0 = skip")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/text_extract.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="eakte-bench-") as tmp:
        docs = make_documents(Path(tmp), args.pages, args.seed)
        result: dict[str, object] = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "loadavg_at_start": os.getloadavg(),
            },
            "cer": f"edit distance / truth length after collapsing whitespace ({DISTANCE})",
            "pages": sum(len(pages) for _, pages in docs),
            "documents": len(docs),
            "text_layer": bench_text_layer(docs),
        }
        if args.ocr_pages:
            result["ocr"] = bench_tesseract(Path(tmp), args.ocr_pages, args.seed)
    machine = result["machine"]
    assert isinstance(machine, dict)
    machine["loadavg_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_table(result)
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
