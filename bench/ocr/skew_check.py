"""Does deskewing before Tesseract help? A follow-up to tune.py, on the same pages.

tune.py showed `--psm 3` and `--psm 1` dropping whole body paragraphs on some pages
skewed by about 2-3° (CER 30-60 % while `--psm 6` reads them). This reads every page
again after straightening it: skew estimated by a projection profile on a quarter-size
copy (the angle whose row sums of ink vary most, i.e. whose text lines are horizontal),
the full page rotated back with Pillow, then the same raw Tesseract calls as tune.py
(fast deu, `--psm 3` and `--psm 1`). The estimator is written here so the check does not
depend on the product's own deskew code, which it is meant to inform.

Run after tune.py: `.venv/bin/python bench/ocr/skew_check.py`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/ocr/skew_check.py` finds `bench`
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from bench.ocr import corpus  # noqa: E402
from bench.ocr.metrics import score_page, summarise_split  # noqa: E402
from bench.ocr.tune import DEBIAN_TESSDATA, run_tesseract  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PSMS = (3, 1)


def estimate_skew(image: Image.Image, limit: float = 5.0) -> float:
    """The counter-clockwise rotation that makes text lines horizontal: coarse 0.5° steps
    over ±limit, then 0.1° steps around the best, scored by the variance of row sums."""
    ink = image.point(lambda v: 255 if v < 128 else 0)  # text white on black for rotate

    def score(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST)).sum(axis=1)
        return float(np.var(rows.astype(np.float64)))

    coarse = max(np.arange(-limit, limit + 0.01, 0.5), key=score)
    return float(max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=score))


def straighten(png: Path, out: Path) -> tuple[float, float]:
    """Estimate the skew on a quarter-size (75 dpi) copy, rotate the full page back;
    returns (angle, seconds spent in-process)."""
    with Image.open(png) as image:
        image.load()
        started = time.perf_counter()
        angle = estimate_skew(image.resize((image.width // 4, image.height // 4)))
        fixed = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        seconds = time.perf_counter() - started
    fixed.save(out, dpi=(300, 300))
    return float(angle), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=48)
    parser.add_argument("--seed", type=int, default=5008)
    parser.add_argument("--output", type=Path, default=RESULTS / "ocr_tune_deskew.json")
    args = parser.parse_args(argv)
    folder, truth = corpus.ensure(args.pages, args.seed)
    pages = corpus.all_pages(truth)
    per_page: list[dict[str, Any]] = []
    texts: dict[int, list[str]] = {psm: [] for psm in PSMS}
    seconds: dict[int, list[float]] = {psm: [] for psm in PSMS}
    with tempfile.TemporaryDirectory(prefix="eakte-skew-") as tmp:
        for index, page in enumerate(pages):
            fixed = Path(tmp) / "page.png"
            angle, took = straighten(folder / page["png"], fixed)
            per_page.append(
                {"page": index, "true_angle": page["artefacts"]["angle"], "found": angle}
            )
            per_page[-1]["deskew_seconds"] = round(took, 3)
            for psm in PSMS:
                args_ = ["--tessdata-dir", str(DEBIAN_TESSDATA), "-l", "deu", "--psm", str(psm)]
                ocr_seconds, done = run_tesseract(fixed, args_)
                texts[psm].append(done.stdout)
                seconds[psm].append(ocr_seconds)
            print(f"page {index + 1}/{len(pages)}", file=sys.stderr, flush=True)
    flips = [p["artefacts"]["upside_down"] for p in pages]
    configurations = {}
    for psm in PSMS:
        scores = [score_page(t, p["blocks"]) for t, p in zip(texts[psm], pages, strict=True)]
        for entry, score in zip(per_page, scores, strict=True):
            entry[f"cer_psm{psm}"] = round(score.cer, 4)
        configurations[f"deskew + fast deu --psm {psm}"] = {
            "seconds_median": round(statistics.median(seconds[psm]), 3),
            "quality": summarise_split(scores, flips),
        }
    # the correction undoes the skew: found ≈ -true angle (the 180° turn keeps the skew)
    errors = [abs(e["found"] + e["true_angle"]) for e in per_page]
    result = {
        "corpus": {"folder": str(folder), "pages": args.pages, "seed": args.seed},
        "deskew_seconds_median": round(statistics.median(e["deskew_seconds"] for e in per_page), 3),
        "angle_error_median_degrees": round(statistics.median(errors), 2),
        "angle_error_max_degrees": round(max(errors), 2),
        "configurations": configurations,
        "per_page": per_page,
    }
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    for name, entry in configurations.items():
        q = entry["quality"]
        print(
            f"{name}: {entry['seconds_median']:.2f} s/page, CER median "
            f"{q['all']['cer_median']:.2%} mean {q['all']['cer_mean']:.2%}, upright mean "
            f"{q['upright']['cer_mean']:.2%}, upside-down mean {q['upside_down']['cer_mean']:.2%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
