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
import difflib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/ocr/page_steps.py` finds `bench`, `ingest`
    sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import PIL  # noqa: E402
import tesserocr  # noqa: E402
from PIL import Image  # noqa: E402

from bench.ocr import corpus  # noqa: E402
from bench.ocr.metrics import cer_wer, truth_variants  # noqa: E402
from bench.ocr.systems import single_threaded_env  # noqa: E402
from ingest import geometry  # noqa: E402
from ingest.tesseract import TesseractOcr, find_tessdata, read_tsv, text_from_tsv  # noqa: E402

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
DPI = 300
READ_ARGS = ("-l", "deu", "--psm", "3", "--dpi", str(DPI))
PDF_SETTINGS = {"tessedit_create_pdf": "1", "textonly_pdf": "1"}  # as read_page sets them
# the command's equivalent of read_page: TSV (which the API hands over) and text-only PDF
TSV_PDF_ARGS = (
    *READ_ARGS,
    *("-c", "tessedit_create_tsv=1"),
    *(arg for key, value in PDF_SETTINGS.items() for arg in ("-c", f"{key}={value}")),
)
TIMEOUT_MS = 300_000  # TesseractOcr's default
FIXED_COST_RUNS = 11
TINY_PAGE = (200, 100)  # pixels, white: what a Tesseract run costs with nothing to read
WORD_LEVEL = 5  # TSV rows of this level are words
OSD_ARGS = ("--psm", "0", "-l", "osd", "--dpi", "150")
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")
T = TypeVar("T")
Job = tuple[str, Callable[[], Any]]  # (name, step): one Tesseract call of a page


@dataclass(frozen=True)
class InProcess:
    """The two loaded engines: the product's (inside ``TesseractOcr``) and a bare
    tesserocr API for ``ProcessPages`` alone, both loaded before the first page."""

    product: TesseractOcr
    api: tesserocr.PyTessBaseAPI


def timed(step: Callable[[], T], repeats: int = REPEATS) -> tuple[T, float]:
    """The step's result and the median of its seconds over `repeats` runs."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = step()
        seconds.append(time.perf_counter() - started)
    return result, statistics.median(seconds)


def tesseract(
    image: Path, args: Sequence[str], output: str = "stdout"
) -> subprocess.CompletedProcess[bytes]:
    """One `tesseract IMAGE OUTPUT ARGS` process, single-threaded."""
    command = ["tesseract", str(image), output, *args]
    return subprocess.run(command, env=single_threaded_env(), capture_output=True)


def run_in_turn(jobs: Sequence[Job], shift: int) -> dict[str, tuple[float, Any]]:
    """Every job once, starting with job `shift`; name -> (seconds, result)."""
    runs = {}
    for name, step in [*jobs[shift:], *jobs[:shift]]:
        result, seconds = timed(step, repeats=1)
        runs[name] = (seconds, result)
    return runs


def cer(text: bytes | str, page: dict[str, Any]) -> float:
    """CER against the page's best-matching truth variant, as run.py scores pages."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    found, _ = cer_wer(text, truth_variants(page["blocks"]))
    return round(found, 4)


def cer_figures(cers: Sequence[float]) -> dict[str, float | None]:
    return {
        "cer_median": round(statistics.median(cers), 4) if cers else None,
        "cer_mean": round(statistics.fmean(cers), 4) if cers else None,
        "cer_max": max(cers, default=None),
    }


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
) -> list[Job]:
    """The Tesseract calls of sections 1–3 of one page."""
    jobs: list[Job] = [
        (f"format:{name}", partial(tesseract, entry["path"], READ_ARGS))
        for name, entry in saved.items()
    ]
    jobs += [
        (f"straight:{name}", partial(tesseract, path, READ_ARGS)) for name, path in straight.items()
    ]
    return [*jobs, ("osd", partial(tesseract, osd_file, OSD_ARGS))]


def margin_crop(upright: Image.Image, work: Path) -> dict[str, Any]:
    """The page as the product reads it, whole and cropped to ``geometry.ink_box``, as
    BMP files; the box, its seconds and the share of the page's area it keeps."""
    box, seconds = timed(lambda: geometry.ink_box(upright))
    left, top, right, bottom = box
    whole, cropped = work / "upright.bmp", work / "cropped.bmp"
    upright.save(whole, format="BMP")
    upright.crop(box).save(cropped, format="BMP")
    return {
        "box": box,
        "seconds": seconds,
        "area_kept": (right - left) * (bottom - top) / (upright.width * upright.height),
        "whole": whole,
        "cropped": cropped,
    }


def crop_jobs(
    crop: dict[str, Any], upright: Image.Image, work: Path, engines: InProcess
) -> list[Job]:
    """The Tesseract calls of sections 4 and 5 of one page."""
    api_base, api_input = str(work / "api"), str(crop["cropped"])
    return [
        ("crop:whole", partial(tesseract, crop["whole"], READ_ARGS)),
        ("crop:cropped", partial(tesseract, crop["cropped"], READ_ARGS)),
        ("tsv:command", partial(tesseract, crop["cropped"], TSV_PDF_ARGS, str(work / "command"))),
        ("tsv:read_page", partial(engines.product.read_page, upright, with_pdf=True)),
        (
            "tsv:process_pages",
            partial(engines.api.ProcessPages, api_base, api_input, timeout=TIMEOUT_MS),
        ),
    ]


def level_words(tsv: str) -> list[str]:
    """The word column of a TSV's word rows, in Tesseract's order."""
    data = read_tsv(tsv)
    return [
        text for level, text in zip(data["level"], data["text"], strict=True) if level == WORD_LEVEL
    ]


def differing_words(a: list[str], b: list[str]) -> int:
    """Words of the longer list not matched, in order, in the other."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return max(len(a), len(b)) - sum(block.size for block in matcher.get_matching_blocks())


def product_text(tsv: str, box: tuple[int, int, int, int]) -> str:
    """The text ``read_page`` makes of a TSV of the cropped page (positions moved back
    onto the page, then the product's reading order)."""
    data = read_tsv(tsv)
    data["left"] = [value + box[0] for value in data["left"]]
    data["top"] = [value + box[1] for value in data["top"]]
    return text_from_tsv(data, DPI)


def crop_entry(
    crop: dict[str, Any], runs: dict[str, tuple[float, Any]], page: dict[str, Any]
) -> dict[str, Any]:
    whole, cropped = runs["crop:whole"], runs["crop:cropped"]
    return {
        "box": list(crop["box"]),
        "ink_box_seconds": round(crop["seconds"], 4),
        "area_kept": round(crop["area_kept"], 4),
        "whole": {"read_seconds": round(whole[0], 3), "cer": cer(whole[1].stdout, page)},
        "cropped": {"read_seconds": round(cropped[0], 3), "cer": cer(cropped[1].stdout, page)},
        "same_text": whole[1].stdout == cropped[1].stdout,
    }


def in_process_entry(
    crop: dict[str, Any],
    runs: dict[str, tuple[float, Any]],
    page: dict[str, Any],
    work: Path,
    engines: InProcess,
) -> dict[str, Any]:
    """Figures of section 5; the bare API's TSV is fetched after its timed call (and
    timed apart: it should not recognise the page again)."""
    command_seconds, command_done = runs["tsv:command"]
    read_seconds, read = runs["tsv:read_page"]
    api_seconds, api_done = runs["tsv:process_pages"]
    api_tsv, tsv_seconds = timed(lambda: engines.api.GetTSVText(0) or "", repeats=1)
    command_tsv = (
        (work / "command.tsv").read_text(encoding="utf-8") if not command_done.returncode else ""
    )
    command_words, api_words = level_words(command_tsv), level_words(api_tsv)
    return {
        "command": {
            "seconds": round(command_seconds, 3),
            "returncode": command_done.returncode,
            "cer": cer(product_text(command_tsv, crop["box"]), page),
            "words": len(command_words),
        },
        "read_page": {
            "seconds": round(read_seconds, 3),
            "cer": cer(read.result.text, page),
            "pdf_bytes": len(read.pdf or b""),
        },
        "process_pages": {
            "seconds": round(api_seconds, 3),
            "done": bool(api_done),
            "get_tsv_seconds": round(tsv_seconds, 4),
            "words": len(api_words),
        },
        "same_words": command_words == api_words,
        "differing_words": differing_words(command_words, api_words),
        # the product's text holds the bare API's words (another order: reading order)
        "read_page_words_as_api": sorted(read.result.text.split())
        == sorted(w.strip() for w in api_words if w.strip()),
    }


def measure_page(
    index: int, page: dict[str, Any], folder: Path, work: Path, engines: InProcess
) -> dict[str, Any]:
    """All five steps on one page, in the order ``ingest.pages.ocr_page`` runs them."""
    flipped = bool(page["artefacts"]["upside_down"])
    with Image.open(folder / page["png"]) as opened:
        grey = opened.convert("L")
    grey.info["dpi"] = (DPI, DPI)  # the PNGs say 299.9994, which the product reads as 299
    saved = save_formats(grey, work)

    skew, skew_seconds = timed(lambda: geometry.estimate_skew(grey))
    corrected = abs(skew) >= geometry.MIN_CORRECTION_DEGREES
    straightened = straighten_both(grey, skew) if corrected else {}
    checked = straightened["opencv"][0] if corrected else grey  # what the product checks
    check = upside_down_check(checked, flipped)

    # straightened pages, turned the right way up so the CER says how well they read
    straight_files = {}
    for name, (image, _) in straightened.items():
        turned = image.transpose(Image.Transpose.ROTATE_180) if flipped else image
        straight_files[name] = work / f"straight-{name}.bmp"
        turned.save(straight_files[name], format="BMP")
    (half, reduce_seconds) = timed(lambda: checked.reduce(2))
    osd_file = work / "half.bmp"
    half.save(osd_file, format="BMP")

    # what the product reads: straightened (if skewed), turned the right way up
    upright = geometry.turn(checked, 180) if flipped else checked
    crop = margin_crop(upright, work)

    jobs = [
        *tesseract_jobs(saved, straight_files, osd_file),
        *crop_jobs(crop, upright, work, engines),
    ]
    runs = run_in_turn(jobs, index % len(jobs))

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
        "margin_crop": crop_entry(crop, runs, page),
        "in_process": in_process_entry(crop, runs, page, work, engines),
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


def cer_comparison(
    label: str, pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]]
) -> dict[str, Any]:
    """How the first of each (new, old) pair of page results reads against the second:
    the median CER difference and the pages more than 0.5 points worse or better."""
    return {
        "cer_difference_median": round(statistics.median(n["cer"] - o["cer"] for n, o in pairs), 4)
        if pairs
        else None,
        f"pages_{label}_cer_worse_by_over_0_5_points": sum(
            n["cer"] > o["cer"] + 0.005 for n, o in pairs
        ),
        f"pages_{label}_cer_better_by_over_0_5_points": sum(
            n["cer"] < o["cer"] - 0.005 for n, o in pairs
        ),
    }


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
        out[name] = {
            "seconds": spread([e["seconds"] for e in entries]),
            "read_seconds": spread([e["read_seconds"] for e in entries], 3),
            **cer_figures([e["cer"] for e in entries]),
        }
    pillow = [p["straighten"]["pillow"] for p in skewed]
    opencv = [p["straighten"]["opencv"] for p in skewed]
    pairs = list(zip(opencv, pillow, strict=True))
    out["opencv_vs_pillow"] = {
        "seconds_paired": paired_ratio([(o["seconds"], p["seconds"]) for o, p in pairs]),
        "read_seconds_paired": paired_ratio(
            [(o["read_seconds"], p["read_seconds"]) for o, p in pairs]
        ),
        **cer_comparison("opencv", pairs),
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


def summarise_crop(per_page: list[dict[str, Any]]) -> dict[str, Any]:
    entries = [p["margin_crop"] for p in per_page]
    pairs = [(e["cropped"], e["whole"]) for e in entries]
    out: dict[str, Any] = {
        "ink_box_seconds": spread([e["ink_box_seconds"] for e in entries]),
        "area_kept": spread([e["area_kept"] for e in entries], 3),
    }
    for name in ("whole", "cropped"):
        out[name] = {
            "read_seconds": spread([e[name]["read_seconds"] for e in entries], 3),
            **cer_figures([e[name]["cer"] for e in entries]),
        }
    out["crop_vs_whole"] = {
        "read_seconds_paired": paired_ratio(
            [(c["read_seconds"], w["read_seconds"]) for c, w in pairs]
        ),
        **cer_comparison("crop", pairs),
        "pages_same_text": sum(e["same_text"] for e in entries),
    }
    return out


def summarise_in_process(
    per_page: list[dict[str, Any]], fixed_cost: dict[str, Any]
) -> dict[str, Any]:
    entries = [p["in_process"] for p in per_page]
    command = [e["command"]["seconds"] for e in entries]

    def versus_command(step: str) -> float | None:
        return paired_ratio(
            [(e[step]["seconds"], c) for e, c in zip(entries, command, strict=True)]
        )

    out: dict[str, Any] = {"fixed_cost": fixed_cost}
    for step in ("command", "read_page", "process_pages"):
        out[step] = {
            "seconds": spread([e[step]["seconds"] for e in entries], 3),
            "vs_command_paired": versus_command(step),
        }
    for step in ("command", "read_page"):  # both as the product's text (reading order)
        out[step].update(cer_figures([e[step]["cer"] for e in entries]))
    out["process_pages"]["get_tsv_seconds"] = spread(
        [e["process_pages"]["get_tsv_seconds"] for e in entries]
    )
    out["command_failures"] = sum(e["command"]["returncode"] != 0 for e in entries)
    out["process_pages_failures"] = sum(not e["process_pages"]["done"] for e in entries)
    out["words"] = {
        "pages_same_words": sum(e["same_words"] for e in entries),
        "differing_words_total": sum(e["differing_words"] for e in entries),
        "command_words_total": sum(e["command"]["words"] for e in entries),
        "api_words_total": sum(e["process_pages"]["words"] for e in entries),
        "pages_read_page_words_as_api": sum(e["read_page_words_as_api"] for e in entries),
    }
    return out


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
        *crop_markdown(s["margin_crop"], pages),
        *in_process_markdown(s["in_process"], m, pages),
    ]
    return "\n".join(lines)


def _cers(x: dict[str, Any]) -> str:
    return f"{_pct(x['cer_median'])} / {_pct(x['cer_mean'])}"


def crop_markdown(c: dict[str, Any], pages: int) -> list[str]:
    vs, area = c["crop_vs_whole"], c["area_kept"]
    rows = {
        "whole page": ("–", "100 %", c["whole"]),
        "margin crop (`image.crop(geometry.ink_box(image))`)": (
            _ms(c["ink_box_seconds"]),
            f"{area['median'] * 100:.1f} % [{area['min'] * 100:.1f}, {area['max'] * 100:.1f}]",
            c["cropped"],
        ),
    }
    lines = [
        "Margin crop, on the page as the product reads it (straightened, upside-down ones "
        "turned 180°):",
        "",
        "| Tesseract input | `ink_box` | page area read | `tesseract --psm 3` s [min, max] "
        "| CER median / mean | CER max |",
        "|---|---|---|---|---|---|",
    ]
    for label, (box_seconds, share, x) in rows.items():
        lines.append(
            f"| {label} | {box_seconds} | {share} | {_s(x['read_seconds'])} | {_cers(x)} "
            f"| {_pct(x['cer_max'])} |"
        )
    return [
        *lines,
        "",
        f"Crop ÷ whole on the same page: Tesseract read {vs['read_seconds_paired']:.3f}; CER "
        f"difference median {vs['cer_difference_median'] * 100:+.2f} points; crop worse by "
        f"> 0.5 points on {vs['pages_crop_cer_worse_by_over_0_5_points']} pages, better on "
        f"{vs['pages_crop_cer_better_by_over_0_5_points']}; identical text on "
        f"{vs['pages_same_text']}/{pages} pages.",
        "",
    ]


def in_process_markdown(t: dict[str, Any], m: dict[str, Any], pages: int) -> list[str]:
    fixed, words = t["fixed_cost"], t["words"]
    rows = {
        f"(a) `tesseract` command ({m['tesseract']}), TSV + text-only PDF": t["command"],
        f"(b) `TesseractOcr().read_page(with_pdf=True)` (tesserocr {m['tesserocr']}, "
        f"{m['libtesseract_in_process']}; with `ink_box`, crop, BMP, TSV parsing)": t["read_page"],
        "(c) bare `api.ProcessPages` on the same BMP (API loaded once)": t["process_pages"],
    }
    lines = [
        "Tesseract in process against the command, on the cropped page:",
        "",
        "| reading the cropped page | seconds [min, max] | ÷ command (same page) "
        "| CER median / mean (product's text) |",
        "|---|---|---|---|",
    ]
    for label, x in rows.items():
        cers = _cers(x) if "cer_median" in x else "as (b)"
        lines.append(f"| {label} | {_s(x['seconds'])} | {x['vs_command_paired']:.3f} | {cers} |")
    w, h = fixed["page_pixels"]
    return [
        *lines,
        "",
        f"Fixed cost on a {w}×{h} white BMP (median of {fixed['runs']}): the command "
        f"{_s(fixed['command_seconds'])} s, `ProcessPages` on the loaded API "
        f"{_s(fixed['process_pages_seconds'])} s. `GetTSVText(0)` after `ProcessPages`: "
        f"{_ms(t['process_pages']['get_tsv_seconds'])}. Same words (TSV level 5, in order) "
        f"from {m['tesseract']} ({m['tesseract_leptonica']}) and "
        f"{m['libtesseract_in_process']} ({m['leptonica_in_process']}) on "
        f"{words['pages_same_words']}/{pages} pages; {words['differing_words_total']} of "
        f"{words['command_words_total']} words differ. `read_page`'s text holds the bare "
        f"API's words on {words['pages_read_page_words_as_api']}/{pages} pages.",
        "",
    ]


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
