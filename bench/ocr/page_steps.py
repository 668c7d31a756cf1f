"""What each step of eAkte's OCR stage costs on one page, and whether the cheap choices
read as well as the ones they replaced.

run.py times the whole ingest; this takes the per-page steps of ``ingest.scan_read.read_scan``
apart, on the benchmark's PNGs, so the choices in ``ingest.geometry`` and
``ingest.tesseract`` rest on measured figures:

1. the file format Tesseract is handed (BMP, uncompressed TIFF, PGM, PNG): Pillow's save
   and Tesseract's read, and whether the text is byte-identical to the BMP one;
2. straightening a skewed page: ``geometry.estimate_skew``, then Pillow's ``rotate``
   against ``geometry.straighten`` (OpenCV), each read by Tesseract and scored (CER);
3. the upside-down check (``geometry.ascender_balance`` / ``looks_upside_down``) against
   Tesseract's OSD on a half-resolution copy;
4. the margin crop: ``TesseractOcr.read_page`` hands Tesseract only
   ``image.crop(geometry.ink_box(image))`` of the straightened, upright page, because
   layout analysis costs by area and a letter's margins are much of it. Measured:
   ``ink_box``'s seconds, the share of the page it keeps, and the whole page against the
   crop, each read by the ``tesseract`` command and scored (CER, identical text);
5. Tesseract in process: the product runs libtesseract through tesserocr with one
   loaded engine per process instead of a ``tesseract`` process (which loads its model
   again) per page. On the cropped page: (a) the command with TSV and text-only PDF,
   (b) the product's ``TesseractOcr().read_page(image, with_pdf=True)`` (crop, BMP,
   TSV parsing included), (c) the bare ``api.ProcessPages`` on the same BMP; the
   command's fixed cost on a tiny white page; whether the two libtesseract builds
   (the wheel's and the system's) recognise the same words.

Everything runs single-threaded (OMP_THREAD_LIMIT=1; the tesserocr wheel's libtesseract
is built without OpenMP), pages one after another; the Tesseract calls of a page, the
in-process ones included, run in an order that rotates from page to page, so a burst of
other work on this shared machine does not land on one configuration only. Steps of a
few milliseconds are run ``REPEATS`` times per page and the median is kept. Figures are
medians over pages. ``ingest`` is imported from the work tree (its uncommitted changes,
if any, are listed in the JSON).

Run from the repository root: `.venv/bin/python bench/ocr/page_steps.py [--pages 48]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/ocr/page_steps.py` finds `bench`, `ingest`
    sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import PIL  # noqa: E402
import tesserocr  # noqa: E402
from PIL import Image  # noqa: E402

from bench.ocr import corpus  # noqa: E402
from bench.ocr.page_steps_measure import (  # noqa: E402
    DPI,
    FIXED_COST_RUNS,
    OSD_ARGS,
    PDF_SETTINGS,
    READ_ARGS,
    TIMEOUT_MS,
    TINY_PAGE,
    TSV_PDF_ARGS,
    InProcess,
    measure_page,
    tesseract,
    timed,
)
from bench.ocr.page_steps_report import markdown  # noqa: E402
from bench.ocr.page_steps_summary import (  # noqa: E402
    spread,
    summarise_crop,
    summarise_formats,
    summarise_in_process,
    summarise_orientation,
    summarise_straightening,
)
from bench.ocr.systems import single_threaded_env  # noqa: E402
from ingest.tesseract import TesseractOcr, find_tessdata  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def fixed_costs(work: Path, engines: InProcess) -> dict[str, Any]:
    """What a call costs with nothing to read: the command (start-up, model load) and,
    for comparison, ``ProcessPages`` on the loaded API; median of FIXED_COST_RUNS each."""
    tiny = work / "tiny.bmp"
    Image.new("L", TINY_PAGE, 255).save(tiny, format="BMP")
    command, api = [], []
    for _ in range(FIXED_COST_RUNS):  # alternating, so both see the same load
        command.append(timed(partial(tesseract, tiny, TSV_PDF_ARGS, str(work / "tiny")), 1)[1])
        step = partial(
            engines.api.ProcessPages, str(work / "tiny-api"), str(tiny), timeout=TIMEOUT_MS
        )
        api.append(timed(step, 1)[1])
    return {
        "page_pixels": list(TINY_PAGE),
        "runs": FIXED_COST_RUNS,
        "command_seconds": spread(command),
        "process_pages_seconds": spread(api),
    }


def load_engines() -> InProcess:
    """The product's engine, loaded by one read of a blank page, and a bare API set up
    as ``TesseractOcr.read_page`` sets up its own."""
    product = TesseractOcr()
    blank = Image.new("L", TINY_PAGE, 255)
    blank.info["dpi"] = (DPI, DPI)
    product.read_page(blank, with_pdf=True)
    api = tesserocr.PyTessBaseAPI(path=find_tessdata(), lang="deu", psm=3)
    for key, value in {"user_defined_dpi": str(DPI), **PDF_SETTINGS}.items():
        api.SetVariable(key, value)
    return InProcess(product=product, api=api)


def machine_info() -> dict[str, Any]:
    def first_line(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True)
        return (done.stdout or done.stderr).strip().splitlines()[0]

    status = ["git", "-C", str(ROOT), "status", "--porcelain", "--", "ingest", "eakte"]
    changes = subprocess.run(status, capture_output=True, text=True).stdout.splitlines()
    command_version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    library_version = str(tesserocr.tesseract_version()).splitlines()
    return {
        "nproc": os.cpu_count(),
        "tesseract": first_line(["tesseract", "--version"]),
        "tesseract_leptonica": command_version.stdout.splitlines()[1].strip(),
        "tesserocr": tesserocr.__version__,
        "libtesseract_in_process": library_version[0].strip(),
        "leptonica_in_process": library_version[1].strip(),
        "tessdata": find_tessdata(),
        "pillow": PIL.__version__,
        "opencv": cv2.__version__,
        "git_commit": first_line(["git", "-C", str(ROOT), "rev-parse", "HEAD"]),
        "uncommitted_product_changes": changes,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "omp_thread_limit": single_threaded_env()["OMP_THREAD_LIMIT"],
        "work_dir": tempfile.gettempdir(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=48)
    parser.add_argument("--seed", type=int, default=5008)
    parser.add_argument("--output", type=Path, default=RESULTS / "ocr_page_steps.json")
    args = parser.parse_args(argv)
    folder, truth = corpus.ensure(args.pages, args.seed)
    info = machine_info()
    pages = corpus.all_pages(truth)
    per_page = []
    started = time.perf_counter()
    engines = load_engines()
    with tempfile.TemporaryDirectory(prefix="eakte-page-steps-") as tmp:
        fixed_cost = fixed_costs(Path(tmp), engines)
        for index, page in enumerate(pages):
            print(f"page {index + 1}/{len(pages)}", file=sys.stderr, flush=True)
            per_page.append(measure_page(index, page, folder, Path(tmp), engines))
    info["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    info["wall_seconds"] = round(time.perf_counter() - started, 1)
    result = {
        "corpus": {
            "folder": str(folder),
            "pages": args.pages,
            "seed": args.seed,
            "upside_down_pages": sum(p["upside_down"] for p in per_page),
        },
        "machine": info,
        "commands": {
            "read": "tesseract FILE stdout " + " ".join(READ_ARGS),
            "osd": "tesseract FILE stdout " + " ".join(OSD_ARGS),
            "tsv_pdf": "tesseract FILE OUTBASE " + " ".join(TSV_PDF_ARGS),
            "in_process": (
                "tesserocr.PyTessBaseAPI(path=tessdata, lang='deu', psm=3), "
                f"user_defined_dpi={DPI}, "
                + ", ".join(f"{k}={v}" for k, v in PDF_SETTINGS.items())
                + "; api.ProcessPages(base, BMP, timeout=...), api.GetTSVText(0)"
            ),
        },
        "summary": {
            "formats": summarise_formats(per_page),
            "straightening": summarise_straightening(per_page),
            "orientation": summarise_orientation(per_page),
            "margin_crop": summarise_crop(per_page),
            "in_process": summarise_in_process(per_page, fixed_cost),
        },
        "per_page": per_page,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    table = markdown(result)
    args.output.with_suffix(".md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
