"""What each step of eAkte's OCR stage costs on one page, and whether the cheap choices
read as well as the ones they replaced.

run.py times the whole ingest; this takes the per-page steps of ``ingest.pages.ocr_page``
apart, on the benchmark's PNGs, so the choices in ``ingest.geometry`` and
``ingest.tesseract`` rest on measured figures:

1. the file format Tesseract is handed (BMP, uncompressed TIFF, PGM, PNG): Pillow's save
   and Tesseract's read, and whether the text is byte-identical to the BMP one;
2. straightening a skewed page: ``geometry.estimate_skew``, then Pillow's ``rotate``
   against ``geometry.straighten`` (OpenCV), each read by Tesseract and scored (CER);
3. the upside-down check (``geometry.ascender_balance`` / ``looks_upside_down``) against
   Tesseract's OSD on a half-resolution copy.

Everything runs single-threaded (OMP_THREAD_LIMIT=1), pages one after another; the
Tesseract calls of a page run in an order that rotates from page to page, so a burst of
other work on this shared machine does not land on one configuration only. In-process
steps are run ``REPEATS`` times per page and the median is kept. Figures are medians
over pages. ``ingest.geometry`` is imported from the work tree (its uncommitted changes,
if any, are listed in the JSON).

Run from the repository root: `.venv/bin/python bench/ocr/page_steps.py [--pages 48]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/ocr/page_steps.py` finds `bench`, `ingest`
    sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import PIL  # noqa: E402
from PIL import Image  # noqa: E402

from bench.ocr import corpus  # noqa: E402
from bench.ocr.metrics import cer_wer, truth_variants  # noqa: E402
from bench.ocr.systems import single_threaded_env  # noqa: E402
from ingest import geometry  # noqa: E402

RESULTS = ROOT / "bench" / "results"
REPEATS = 3  # in-process steps take milliseconds: the median of three per page
# name -> (file suffix, Pillow format); Pillow writes mode "L" as "PPM" in PGM (P5)
FORMATS: dict[str, tuple[str, str]] = {
    "bmp": ("bmp", "BMP"),
    "tiff": ("tif", "TIFF"),  # Pillow's default: uncompressed
    "pgm": ("pgm", "PPM"),
    "png": ("png", "PNG"),  # Pillow's default compression (level 6)
}
STRAIGHTENERS = ("pillow", "opencv")
READ_ARGS = ("-l", "deu", "--psm", "3", "--dpi", "300")
OSD_ARGS = ("--psm", "0", "-l", "osd", "--dpi", "150")
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")
T = TypeVar("T")


def timed(step: Callable[[], T], repeats: int = REPEATS) -> tuple[T, float]:
    """The step's result and the median of its seconds over `repeats` runs."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = step()
        seconds.append(time.perf_counter() - started)
    return result, statistics.median(seconds)


def tesseract(image: Path, args: Sequence[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """One `tesseract IMAGE stdout ARGS` process, single-threaded; seconds and output."""
    command = ["tesseract", str(image), "stdout", *args]
    started = time.perf_counter()
    done = subprocess.run(command, env=single_threaded_env(), capture_output=True)
    return time.perf_counter() - started, done


def cer(text: bytes, page: dict[str, Any]) -> float:
    """CER against the page's best-matching truth variant, as run.py scores pages."""
    found, _ = cer_wer(text.decode("utf-8", errors="replace"), truth_variants(page["blocks"]))
    return round(found, 4)


def save_formats(grey: Image.Image, work: Path) -> dict[str, dict[str, Any]]:
    """The page in every input format; Pillow's save seconds and the file's size."""
    saved = {}
    for name, (suffix, pillow_format) in FORMATS.items():
        path = work / f"page.{suffix}"
        _, seconds = timed(partial(grey.save, path, format=pillow_format))
        saved[name] = {"path": path, "save_seconds": seconds, "bytes": path.stat().st_size}
    return saved


def pillow_straighten(image: Image.Image, skew: float) -> Image.Image:
    return image.rotate(-skew, resample=Image.Resampling.BILINEAR, fillcolor=255)


def straighten_both(image: Image.Image, skew: float) -> dict[str, tuple[Image.Image, float]]:
    """Both straightened pages with their seconds."""
    return {
        "pillow": timed(lambda: pillow_straighten(image, skew)),
        "opencv": timed(lambda: geometry.straighten(image, skew)),
    }


def upside_down_check(image: Image.Image, flipped: bool) -> dict[str, Any]:
    """The ascender balance of the (straightened) page and the product's verdict."""
    balance, balance_seconds = timed(lambda: geometry.ascender_balance(image))
    called, check_seconds = timed(lambda: geometry.looks_upside_down(image))
    verdict = "right" if called == flipped else "wrong"
    return {
        "balance": None if balance is None else round(balance, 4),
        "balance_seconds": round(balance_seconds, 4),
        "looks_upside_down": called,
        "check_seconds": round(check_seconds, 4),
        "verdict": "undecided" if balance is None else verdict,
    }


def osd_entry(
    seconds: float, done: subprocess.CompletedProcess[bytes], flipped: bool
) -> dict[str, Any]:
    out, err = done.stdout.decode(), done.stderr.decode()
    rotate, confidence = _ROTATE.search(out), _CONFIDENCE.search(out)
    angle = int(rotate.group(1)) if rotate else None
    return {
        "seconds": round(seconds, 3),
        "rotate": angle,
        "confidence": float(confidence.group(1)) if confidence else None,
        "right": None if angle is None else angle == (180 if flipped else 0),
        "error": err.strip().splitlines()[-1] if done.returncode and err.strip() else None,
    }


def tesseract_jobs(
    saved: dict[str, dict[str, Any]], straight: dict[str, Path], osd_file: Path
) -> list[tuple[str, Path, Sequence[str]]]:
    """Every Tesseract call of one page: (name, file, arguments)."""
    jobs: list[tuple[str, Path, Sequence[str]]] = [
        (f"format:{name}", entry["path"], READ_ARGS) for name, entry in saved.items()
    ]
    jobs += [(f"straight:{name}", path, READ_ARGS) for name, path in straight.items()]
    return [*jobs, ("osd", osd_file, OSD_ARGS)]


def measure_page(index: int, page: dict[str, Any], folder: Path, work: Path) -> dict[str, Any]:
    """All three steps on one page, in the order ``ingest.pages.ocr_page`` runs them."""
    flipped = bool(page["artefacts"]["upside_down"])
    with Image.open(folder / page["png"]) as opened:
        grey = opened.convert("L")
    saved = save_formats(grey, work)

    skew, skew_seconds = timed(lambda: geometry.estimate_skew(grey))
    corrected = abs(skew) >= geometry.MIN_CORRECTION_DEGREES
    straightened = straighten_both(grey, skew) if corrected else {}
    checked = straightened["opencv"][0] if corrected else grey  # what the product checks
    check = upside_down_check(checked, flipped)

    # straightened pages, turned the right way up so the CER says how well they read
    straight_files = {}
    for name, (image, _) in straightened.items():
        upright = image.transpose(Image.Transpose.ROTATE_180) if flipped else image
        straight_files[name] = work / f"straight-{name}.bmp"
        upright.save(straight_files[name], format="BMP")
    (half, reduce_seconds) = timed(lambda: checked.reduce(2))
    osd_file = work / "half.bmp"
    half.save(osd_file, format="BMP")

    jobs = tesseract_jobs(saved, straight_files, osd_file)
    shift = index % len(jobs)
    runs = {name: tesseract(path, args) for name, path, args in jobs[shift:] + jobs[:shift]}

    bmp_text = runs["format:bmp"][1].stdout
    formats = {
        name: {
            "save_seconds": round(entry["save_seconds"], 4),
            "read_seconds": round(runs[f"format:{name}"][0], 3),
            "bytes": entry["bytes"],
            "same_text_as_bmp": runs[f"format:{name}"][1].stdout == bmp_text,
        }
        for name, entry in saved.items()
    }
    straightening: dict[str, Any] = {
        name: {
            "seconds": round(seconds, 4),
            "read_seconds": round(runs[f"straight:{name}"][0], 3),
            "cer": cer(runs[f"straight:{name}"][1].stdout, page),
        }
        for name, (_, seconds) in straightened.items()
    }
    if corrected:
        same = runs["straight:pillow"][1].stdout == runs["straight:opencv"][1].stdout
        straightening["same_text_pillow_opencv"] = same
    osd_seconds, osd_done = runs["osd"]
    return {
        "page": page["page"],
        "png": page["png"],
        "upside_down": flipped,
        "true_angle": page["artefacts"]["angle"],
        "formats": formats,
        "cer_as_scanned_bmp": cer(bmp_text, page),  # not straightened, not turned
        "skew": {
            "estimated": skew,
            "seconds": round(skew_seconds, 4),
            # estimate_skew answers the angle the page was turned by (the truth's sign)
            "error_degrees": round(abs(skew - page["artefacts"]["angle"]), 2),
            "corrected": corrected,
        },
        "straighten": straightening or None,
        "upside_down_check": check,
        "osd": {
            "reduce_seconds": round(reduce_seconds, 4),
            **osd_entry(osd_seconds, osd_done, flipped),
        },
    }


def spread(values: Sequence[float], digits: int = 4) -> dict[str, Any]:
    """Median, min and max of a list of figures."""
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "n": len(values),
    }


def paired_ratio(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Median over pages of a / b: both were measured on the same page minutes apart at
    most, so the ratio shows less of the machine's other load than two medians do."""
    return round(statistics.median(a / b for a, b in pairs), 3) if pairs else None


def summarise_formats(per_page: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for name in FORMATS:
        entries = [p["formats"][name] for p in per_page]
        bmp = [p["formats"]["bmp"]["read_seconds"] for p in per_page]
        out[name] = {
            "save_seconds": spread([e["save_seconds"] for e in entries]),
            "read_seconds": spread([e["read_seconds"] for e in entries], 3),
            "read_vs_bmp_paired": paired_ratio(
                [(e["read_seconds"], b) for e, b in zip(entries, bmp, strict=True)]
            ),
            "save_plus_read_seconds": spread(
                [e["save_seconds"] + e["read_seconds"] for e in entries], 3
            ),
            "bytes_median": statistics.median(e["bytes"] for e in entries),
            "pages_same_text_as_bmp": sum(e["same_text_as_bmp"] for e in entries),
            "same_text_as_bmp_every_page": all(e["same_text_as_bmp"] for e in entries),
        }
    return out


def summarise_straightening(per_page: list[dict[str, Any]]) -> dict[str, Any]:
    skewed = [p for p in per_page if p["skew"]["corrected"]]
    out: dict[str, Any] = {
        "estimate_skew_seconds": spread([p["skew"]["seconds"] for p in per_page]),
        "angle_error_degrees": spread([p["skew"]["error_degrees"] for p in per_page], 2),
        "pages_corrected": len(skewed),
        "min_correction_degrees": geometry.MIN_CORRECTION_DEGREES,
        "pages_same_text_pillow_opencv": sum(
            p["straighten"]["same_text_pillow_opencv"] for p in skewed
        ),
    }
    for name in STRAIGHTENERS:
        entries = [p["straighten"][name] for p in skewed]
        cers = [e["cer"] for e in entries]
        out[name] = {
            "seconds": spread([e["seconds"] for e in entries]),
            "read_seconds": spread([e["read_seconds"] for e in entries], 3),
            "cer_median": round(statistics.median(cers), 4) if cers else None,
            "cer_mean": round(statistics.fmean(cers), 4) if cers else None,
            "cer_max": max(cers, default=None),
        }
    pillow = [p["straighten"]["pillow"] for p in skewed]
    opencv = [p["straighten"]["opencv"] for p in skewed]
    pairs = list(zip(opencv, pillow, strict=True))
    out["opencv_vs_pillow"] = {
        "seconds_paired": paired_ratio([(o["seconds"], p["seconds"]) for o, p in pairs]),
        "read_seconds_paired": paired_ratio(
            [(o["read_seconds"], p["read_seconds"]) for o, p in pairs]
        ),
        "cer_difference_median": round(statistics.median(o["cer"] - p["cer"] for o, p in pairs), 4)
        if pairs
        else None,
        "pages_opencv_cer_worse_by_over_0_5_points": sum(
            o["cer"] > p["cer"] + 0.005 for o, p in pairs
        ),
        "pages_opencv_cer_better_by_over_0_5_points": sum(
            o["cer"] < p["cer"] - 0.005 for o, p in pairs
        ),
    }
    out["cer_as_scanned_same_pages_median"] = (
        round(statistics.median(p["cer_as_scanned_bmp"] for p in skewed), 4) if skewed else None
    )
    return out


def summarise_orientation(per_page: list[dict[str, Any]]) -> dict[str, Any]:
    def balances(flipped: bool) -> list[float]:
        checks = [p["upside_down_check"] for p in per_page if p["upside_down"] == flipped]
        return [c["balance"] for c in checks if c["balance"] is not None]

    checks = [p["upside_down_check"] for p in per_page]
    osd = [p["osd"] for p in per_page]
    return {
        "threshold_upside_down_below": geometry.UPSIDE_DOWN_BELOW,
        "balance_upright": spread(balances(False)),
        "balance_upside_down": spread(balances(True)),
        "ascender_check": {
            verdict: sum(c["verdict"] == verdict for c in checks)
            for verdict in ("right", "wrong", "undecided")
        },
        "balance_seconds": spread([c["balance_seconds"] for c in checks]),
        "check_seconds": spread([c["check_seconds"] for c in checks]),
        "osd": {
            "right": sum(o["right"] is True for o in osd),
            "wrong": sum(o["right"] is False for o in osd),
            "failed": sum(o["right"] is None for o in osd),
            "seconds": spread([o["seconds"] for o in osd], 3),
            "reduce_seconds": spread([o["reduce_seconds"] for o in osd]),
            "confidence": spread([o["confidence"] for o in osd if o["confidence"] is not None], 2),
        },
    }


def machine_info() -> dict[str, Any]:
    def first_line(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True)
        return (done.stdout or done.stderr).strip().splitlines()[0]

    status = ["git", "-C", str(ROOT), "status", "--porcelain", "--", "ingest", "eakte"]
    changes = subprocess.run(status, capture_output=True, text=True).stdout.splitlines()
    return {
        "nproc": os.cpu_count(),
        "tesseract": first_line(["tesseract", "--version"]),
        "pillow": PIL.__version__,
        "opencv": cv2.__version__,
        "git_commit": first_line(["git", "-C", str(ROOT), "rev-parse", "HEAD"]),
        "uncommitted_product_changes": changes,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "omp_thread_limit": single_threaded_env()["OMP_THREAD_LIMIT"],
        "work_dir": tempfile.gettempdir(),
    }


def _ms(spread_: dict[str, Any]) -> str:
    return "–" if spread_["median"] is None else f"{spread_['median'] * 1000:.1f} ms"


def _s(spread_: dict[str, Any]) -> str:
    if spread_["median"] is None:
        return "–"
    return f"{spread_['median']:.3f} [{spread_['min']:.3f}, {spread_['max']:.3f}]"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.2f} %"


def _range(spread_: dict[str, Any]) -> str:
    if spread_["median"] is None:
        return "–"
    return f"{spread_['min']:+.2f} … {spread_['max']:+.2f} (n = {spread_['n']})"


def markdown(result: dict[str, Any]) -> str:
    s, m, pages = result["summary"], result["machine"], result["corpus"]["pages"]
    lines = [
        f"{pages} pages, one at a time, OMP_THREAD_LIMIT=1; nproc {m['nproc']}, "
        f"{m['tesseract']}, Pillow {m['pillow']}, OpenCV {m['opencv']}, commit "
        f"{m['git_commit'][:10]}, load average at start {m['loadavg_at_start'][0]}. "
        "Medians over pages, [min, max]; in-process steps are the median of "
        f"{REPEATS} runs per page.",
        "",
        "| Tesseract input (grey, 300 dpi) | Pillow save | `tesseract --psm 3` s [min, max] "
        "| read ÷ BMP's (same page) | save + read s | file size | text = BMP's |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in s["formats"].items():
        lines.append(
            f"| {name.upper()} | {_ms(f['save_seconds'])} | {_s(f['read_seconds'])} "
            f"| {f['read_vs_bmp_paired']:.3f} "
            f"| {f['save_plus_read_seconds']['median']:.3f} | {f['bytes_median'] / 1e6:.1f} MB "
            f"| {f['pages_same_text_as_bmp']}/{pages} |"
        )
    st = s["straightening"]
    lines += [
        "",
        f"Skew estimate (`geometry.estimate_skew`): {_ms(st['estimate_skew_seconds'])} a page, "
        f"angle error median {st['angle_error_degrees']['median']:.2f}° (max "
        f"{st['angle_error_degrees']['max']:.2f}°); {st['pages_corrected']} of {pages} pages "
        f"at |skew| ≥ {st['min_correction_degrees']}° straightened (upside-down ones turned "
        "180° before reading):",
        "",
        "| straightening | seconds [min, max] | `tesseract --psm 3` s | CER median / mean "
        "| CER max |",
        "|---|---|---|---|---|",
    ]
    labels = {
        "pillow": "Pillow `rotate` (bilinear)",
        "opencv": "`geometry.straighten` (OpenCV warpAffine)",
    }
    for name in STRAIGHTENERS:
        x = st[name]
        lines.append(
            f"| {labels[name]} | {_s(x['seconds'])} | {x['read_seconds']['median']:.3f} "
            f"| {_pct(x['cer_median'])} / {_pct(x['cer_mean'])} | {_pct(x['cer_max'])} |"
        )
    vs = st["opencv_vs_pillow"]
    lines += [
        "",
        f"OpenCV ÷ Pillow on the same page: straightening {vs['seconds_paired']:.3f}, "
        f"Tesseract read {vs['read_seconds_paired']:.3f}; CER difference median "
        f"{vs['cer_difference_median'] * 100:+.2f} points; OpenCV worse by > 0.5 points "
        f"on {vs['pages_opencv_cer_worse_by_over_0_5_points']} of them, better on "
        f"{vs['pages_opencv_cer_better_by_over_0_5_points']}; same text from both on "
        f"{st['pages_same_text_pillow_opencv']}/{st['pages_corrected']} pages. The same "
        "pages as scanned (not straightened, not turned): CER median "
        f"{_pct(st['cer_as_scanned_same_pages_median'])}.",
    ]
    o = s["orientation"]
    a, osd = o["ascender_check"], o["osd"]
    lines += [
        "",
        "| upside-down check | seconds [min, max] | right / wrong / undecided "
        "| balance upright | balance upside down |",
        "|---|---|---|---|---|",
        f"| `geometry.looks_upside_down` (balance < {o['threshold_upside_down_below']}) "
        f"| {_s(o['check_seconds'])} | {a['right']} / {a['wrong']} / {a['undecided']} "
        f"| {_range(o['balance_upright'])} | {_range(o['balance_upside_down'])} |",
        f"| Tesseract OSD `--psm 0` at 150 dpi (`reduce(2)`: {_ms(osd['reduce_seconds'])}) "
        f"| {_s(osd['seconds'])} | {osd['right']} / {osd['wrong']} / {osd['failed']} "
        f"| confidence {osd['confidence']['min']:.2f} … {osd['confidence']['max']:.2f} | |",
        "",
    ]
    return "\n".join(lines)


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
    with tempfile.TemporaryDirectory(prefix="eakte-page-steps-") as tmp:
        for index, page in enumerate(pages):
            print(f"page {index + 1}/{len(pages)}", file=sys.stderr, flush=True)
            per_page.append(measure_page(index, page, folder, Path(tmp)))
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
        },
        "summary": {
            "formats": summarise_formats(per_page),
            "straightening": summarise_straightening(per_page),
            "orientation": summarise_orientation(per_page),
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
