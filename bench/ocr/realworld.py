"""Real-world pages: eAkte's page reader against raw ``tesseract -l deu`` on scanned
German pages with human ground truth (``bench/ocr/realworld/``, see
``realworld_corpus.py``).

Per page: CER and WER of both systems against the transcription, whether eAkte flagged
the page for rescan and why, and the resolution eAkte believed against the one in the
file. Both texts and the truth are normalised the same way (``normalised``). Tune on the
"tuning" half only; the held-out half is reported, never looked at when changing code.

Run from the repository root: `.venv/bin/python bench/ocr/realworld.py [--only NAME]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/ocr/realworld.py` finds the packages
    sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from bench.ocr.metrics import normalise  # noqa: E402
from bench.ocr.realworld_corpus import CORPUS, load_manifest  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# the baseline and eAkte's default (eakte/settings.py); ``--languages`` sets
# another for both systems (the environment variable reaches the worker processes)
LANGUAGES_VARIABLE = "EAKTE_OCR_LANGUAGES"
DEFAULT_LANGUAGES = "deu"


def languages() -> str:
    return os.environ.get(LANGUAGES_VARIABLE, DEFAULT_LANGUAGES)


# Glyphs of historical type that the OCR-D transcription keeps and a modern model
# (Tesseract's ``deu``) never writes: folded to today's letters in truth and OCR alike.
FOLD = str.maketrans(
    {"ſ": "s", "ꝛ": "r", "⸗": "-", "ℳ": "M", "―": "—", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl"}
    | {"ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
    # MUFI private-use ligatures and old umlauts of the OCR-D transcription, read off
    # the words they stand in (Menſ\uf502 = Mensch, gro\ueba6e = grosse, K\ue644nig = König)
    | {"\uf502": "ch", "\ueada": "st", "\uf4f9": "ll", "\ueba2": "si", "\ueec4": "ck"}
    | {"\ueba6": "ss", "\ueedc": "tz", "\ueec5": "ct", "\ue42c": "ä", "\ue644": "ö"}
    | {"\ue72b": "ü"}
)
UMLAUT_E = "\u0364"  # combining small e above a, o, u: the old umlaut
UMLAUTS = {"a": "ä", "o": "ö", "u": "ü", "A": "Ä", "O": "Ö", "U": "Ü"}


def normalised(text: str, *, fold: bool) -> str:
    """NFC, whitespace (newlines too) collapsed to single spaces; with ``fold`` also the
    historical glyphs as today's letters (ſ→s, ꝛ→r, ⸗→-, aͤ→ä, ligatures ﬂ→fl and
    the transcription's private-use (MUFI) ligatures ch, ck, ſt, tz, ...). Case, umlauts
    and punctuation are kept; the few private-use glyphs not in ``FOLD`` stay and cost
    both systems alike."""
    text = unicodedata.normalize("NFC", text)
    if fold:
        text = text.translate(FOLD)
        out: list[str] = []
        for char in text:
            if char == UMLAUT_E and out:
                out[-1] = UMLAUTS.get(out[-1], out[-1])
            else:
                out.append(char)
        text = unicodedata.normalize("NFC", "".join(out))
    return normalise(text)


def cer_wer(found: str, truth: str, *, fold: bool) -> tuple[float, float]:
    text, best = normalised(found, fold=fold), normalised(truth, fold=fold)
    cer = Levenshtein.distance(text, best) / max(1, len(best))
    words = best.split(" ")
    wer = Levenshtein.distance(text.split(" ") if text else [], words) / len(words)
    return round(cer, 4), round(wer, 4)


def run_raw(image: Path) -> tuple[str, float]:
    """The ``tesseract`` command as a user calls it (one thread, like the workers)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    began = time.perf_counter()
    done = subprocess.run(
        ["tesseract", str(image), "-", "-l", languages()],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout, time.perf_counter() - began


def run_eakte(image: Path) -> dict[str, Any]:
    """eAkte's page reader on the image, as an ingest worker runs it: the image handler
    draws the page (grey, with the resolution it believes), ``ScanPageReader`` reads it
    with the product's settings (deskew, orientation, ink box, reading order, rescan
    checks)."""
    from eakte.ports import PageJob
    from eakte.settings import load_settings
    from ingest.handler_image import ImageHandler
    from ingest.images import load_frame
    from ingest.pages import ScanPageReader

    settings = load_settings({LANGUAGES_VARIABLE: languages()})
    handler = ImageHandler(max_pages=settings.max_pages, max_pixels=settings.max_pixels)
    reader = ScanPageReader.from_settings(settings)
    believed = int(load_frame(image, 0, max_pixels=settings.max_pixels).info["dpi"][0])
    began = time.perf_counter()
    read = reader.read(PageJob(record_id="bench", path=str(image), index=0, source=handler))
    seconds = time.perf_counter() - began
    page = read.page
    return {
        "text": page.text,
        "seconds": round(seconds, 2),
        "rescan": list(page.rescan),
        "believed_dpi": believed,
        "languages": page.ocr_languages or reader.languages,
        "skew": page.skew,
        "rotated": page.rotated,
        "confidence": page.ocr_confidence,
    }


def dpi_reason(reasons: Iterable[str]) -> bool:
    return any("dpi" in reason for reason in reasons)


PHONE_DPI = 72  # what cameras and phones write into every JPEG


def with_metadata_dpi(image: Path, dpi: int, folder: Path) -> Path:
    """A lossless copy (PNG, the same decoded pixels) whose file names ``dpi``: the page
    as a phone photo or an image editor would label it."""
    copy = folder / f"{image.stem}.png"
    with Image.open(image) as opened:
        opened.save(copy, format="PNG", dpi=(dpi, dpi))
    return copy


def measure_phone_dpi(page: dict[str, Any]) -> dict[str, Any]:
    """The same page, labelled 72 dpi: both systems read the relabelled copy."""
    with tempfile.TemporaryDirectory(prefix="eakte-realworld-") as folder:
        copy = with_metadata_dpi(CORPUS / page["image"], PHONE_DPI, Path(folder))
        return measure(page, copy)


def measure(page: dict[str, Any], image: Path | None = None) -> dict[str, Any]:
    image = image or CORPUS / page["image"]
    truth = (CORPUS / page["truth"]).read_text(encoding="utf-8")
    with Image.open(image) as opened:
        claimed = opened.info.get("dpi")
        size = opened.size
    raw_text, raw_seconds = run_raw(image)
    ours = run_eakte(image)
    row: dict[str, Any] = {
        "name": page["name"],
        "kind": page["kind"],
        "columns": page["columns"],
        "split": page["split"],
        "size": list(size),
        "metadata_dpi": round(float(claimed[0])) if claimed else None,
        "believed_dpi": ours["believed_dpi"],
        "rescan": ours["rescan"],
        "rescan_for_dpi": dpi_reason(ours["rescan"]),
        "skew": ours["skew"],
        "rotated": ours["rotated"],
        "confidence": ours["confidence"],
        "languages": {"raw": languages(), "eakte": ours["languages"]},
        "seconds": {"raw": round(raw_seconds, 2), "eakte": ours["seconds"]},
    }
    for fold in (True, False):
        suffix = "" if fold else "_strict"
        row[f"raw{suffix}"] = dict(
            zip(("cer", "wer"), cer_wer(raw_text, truth, fold=fold), strict=True)
        )
        row[f"eakte{suffix}"] = dict(
            zip(("cer", "wer"), cer_wer(ours["text"], truth, fold=fold), strict=True)
        )
    row["texts"] = {"raw": raw_text, "eakte": ours["text"]}
    return row


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"pages": 0}

    def median(system: str, metric: str) -> float:
        return round(statistics.median(r[system][metric] for r in rows), 4)

    out: dict[str, Any] = {"pages": len(rows)}
    for system in ("raw", "eakte", "raw_strict", "eakte_strict"):
        out[system] = {"median_cer": median(system, "cer"), "median_wer": median(system, "wer")}
    raw = out["raw"]["median_cer"]
    out["median_cer_ratio_eakte_to_raw"] = (
        round(out["eakte"]["median_cer"] / raw, 3) if raw else None
    )
    out["pages_eakte_worse"] = sum(r["eakte"]["cer"] > r["raw"]["cer"] for r in rows)
    out["pages_eakte_better"] = sum(r["eakte"]["cer"] < r["raw"]["cer"] for r in rows)
    out["pages_flagged_for_rescan"] = sum(bool(r["rescan"]) for r in rows)
    out["pages_flagged_for_dpi"] = sum(r["rescan_for_dpi"] for r in rows)
    return out


def report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {
        "all": rows,
        "tuning": [r for r in rows if r["split"] == "tuning"],
        "held_out": [r for r in rows if r["split"] == "held_out"],
        "multi_column": [r for r in rows if r["columns"] > 1],
    }
    for kind in sorted({r["kind"] for r in rows}):
        groups[f"kind:{kind}"] = [r for r in rows if r["kind"] == kind]
    return {name: summary(group) for name, group in groups.items()}


def machine() -> dict[str, Any]:
    def first_line(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True)
        return (done.stdout or done.stderr).splitlines()[0] if done.returncode == 0 else ""

    status = ["git", "-C", str(ROOT), "status", "--porcelain", "--", "ingest", "eakte"]
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "tesseract_command": first_line(["tesseract", "--version"]),
        "git_commit": first_line(["git", "-C", str(ROOT), "rev-parse", "HEAD"]),
        "uncommitted_product_files": subprocess.run(
            status, capture_output=True, text=True
        ).stdout.split(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="page name (repeatable)")
    parser.add_argument("--split", choices=("tuning", "held_out"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--languages", help="Tesseract languages for both systems (default: deu)")
    parser.add_argument(
        "--no-phone-dpi", action="store_true", help="skip the run on copies labelled 72 dpi"
    )
    parser.add_argument(
        "--output", type=Path, help="default: bench/results/ocr_realworld[_LANGUAGES].json"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("EAKTE_MODEL_CACHE_DIR", tempfile.mkdtemp(prefix="eakte-nomodel-"))
    os.environ[LANGUAGES_VARIABLE] = args.languages or DEFAULT_LANGUAGES
    if args.output is None:
        suffix = "" if languages() == DEFAULT_LANGUAGES else "_" + languages().replace("+", "_")
        args.output = RESULTS / f"ocr_realworld{suffix}.json"
    pages = load_manifest()["pages"]
    if args.only:
        pages = [p for p in pages if p["name"] in args.only]
    if args.split:
        pages = [p for p in pages if p["split"] == args.split]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(measure, pages))
        phone = [] if args.no_phone_dpi else list(pool.map(measure_phone_dpi, pages))
    result = {
        "what": f"eAkte's page reader vs raw `tesseract IMAGE - -l {languages()}` on real pages",
        "normalisation": (
            "NFC, whitespace collapsed; 'cer'/'wer' also fold historical glyphs "
            "(ſ→s, ꝛ→r, ⸗→-, combining e above a/o/u → umlaut, ℳ→M, ―→—, ligatures "
            "ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ and the MUFI private-use ligatures ch ck ll si ss st tz ct "
            "and old umlauts spelled out); '_strict' "
            "without folding"
        ),
        "machine": machine(),
        "summary": report(rows),
        "summary_labelled_72_dpi": report(phone) if phone else None,
        "pages": rows,
        "pages_labelled_72_dpi": phone,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    summaries = [("", result["summary"])]
    if phone:
        summaries.append(("72dpi ", result["summary_labelled_72_dpi"]))
    for label, summary_of in summaries:
        for name, figures in summary_of.items():
            if not figures["pages"]:
                continue
            print(
                f"{label}{name:14} {figures['pages']:3} pages"
                f"  CER raw {figures['raw']['median_cer']:.2%}"
                f"  eAkte {figures['eakte']['median_cer']:.2%}"
                f"  ratio {figures['median_cer_ratio_eakte_to_raw']}"
                f"  worse/better {figures['pages_eakte_worse']}/{figures['pages_eakte_better']}"
                f"  rescan {figures['pages_flagged_for_rescan']}"
                f" (dpi {figures['pages_flagged_for_dpi']})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
