"""The per-page steps ``bench/ocr/page_steps.py`` measures: how a step is timed and run
(in an order that rotates from page to page), and what is recorded for each page."""

from __future__ import annotations

import difflib
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import tesserocr
from PIL import Image

from bench.ocr.metrics import cer_wer, truth_variants
from bench.ocr.systems import single_threaded_env
from ingest import geometry
from ingest.tesseract import TesseractOcr, read_tsv, text_from_tsv

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
A4_WIDTH = round(210 / 25.4 * DPI)  # pixels
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
    return text_from_tsv(data, DPI, page_width=A4_WIDTH)  # the generated pages are A4


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
    """All five steps on one page, in the order ``ingest.scan_read.read_scan`` runs them."""
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
