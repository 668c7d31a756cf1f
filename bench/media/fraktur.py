"""Historical print on real pages: CER of eAkte's detected-script path (the product's
page reader: ``deu`` first, OSD asked when it reads poorly, a Fraktur page read again
with the Fraktur model) against always reading with ``deu``, per page and as medians,
and which models read each page. With ``--models``, raw Tesseract models side by side
(``frk``, ``Fraktur`` from tesseract-ocr-script-frak, and combinations with ``deu``):
how the Fraktur model was chosen; choose on the tuning half only.

Pages: ``bench/ocr/realworld/`` (OCR-D-GT-VD-SBB, CC BY 4.0: 17th/18th-century prints,
Fraktur and Antiqua). CER as in ``bench/ocr/realworld.py`` (historical glyphs folded).

    .venv/bin/python bench/media/fraktur.py [--split tuning|held_out] [--models M,M]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ocr.realworld import cer_wer  # noqa: E402
from bench.ocr.realworld_corpus import CORPUS, load_manifest  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "media_fraktur.json"


def _read(image: Path, fraktur_languages: str | None) -> tuple[str, str]:
    from eakte.ports import PageJob
    from eakte.settings import load_settings
    from ingest.handler_image import ImageHandler
    from ingest.pages import ScanPageReader

    settings = load_settings({})
    reader = ScanPageReader.from_settings(settings)
    if fraktur_languages is not None:
        reader = replace(reader, fraktur_languages=fraktur_languages)
    reader = replace(reader, with_pdf=False)
    handler = ImageHandler(max_pages=settings.max_pages, max_pixels=settings.max_pixels)
    page = reader.read(PageJob(record_id="b", path=str(image), index=0, source=handler)).page
    return page.text, page.ocr_languages or reader.languages


def measure(page: dict[str, Any]) -> dict[str, Any]:
    image = CORPUS / page["image"]
    truth = (CORPUS / page["truth"]).read_text(encoding="utf-8")
    detected, models = _read(image, None)
    german, _ = _read(image, "")
    return {
        "name": page["name"],
        "kind": page["kind"],
        "split": page["split"],
        "models": models,
        "cer_detected": cer_wer(detected, truth, fold=True)[0],
        "cer_deu": cer_wer(german, truth, fold=True)[0],
    }


def measure_models(job: tuple[dict[str, Any], str]) -> dict[str, Any]:
    from ingest.images import load_frame
    from ingest.tesseract import TesseractOcr

    page, model = job
    image = load_frame(CORPUS / page["image"], 0, max_pixels=100_000_000)
    text = TesseractOcr(languages=model).recognize(image).text
    truth = (CORPUS / page["truth"]).read_text(encoding="utf-8")
    return {"name": page["name"], "model": model, "cer": cer_wer(text, truth, fold=True)[0]}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 4) if values else None


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in sorted({r["kind"] for r in rows}):
        group = [r for r in rows if r["kind"] == kind]
        out[kind] = {
            "pages": len(group),
            "median_cer_detected": _median([r["cer_detected"] for r in group]),
            "median_cer_deu": _median([r["cer_deu"] for r in group]),
            "pages_to_fraktur_model": sum(r["models"] != "deu" for r in group),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tuning", "held_out"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--models", help="compare raw models on Fraktur pages, e.g. frk,deu+frk")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    pages = [p for p in load_manifest()["pages"] if not args.split or p["split"] == args.split]
    result: dict[str, Any] = {"what": __doc__.splitlines()[0], "split": args.split or "all"}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        if args.models:
            models = args.models.split(",")
            jobs = [(p, m) for p in pages if p["kind"] == "fraktur" for m in models]
            rows = list(pool.map(measure_models, jobs))
            result["models"] = {
                m: _median([r["cer"] for r in rows if r["model"] == m]) for m in models
            }
            result["model_pages"] = rows
        else:
            rows = list(pool.map(measure, pages))
            result["summary"] = summary(rows)
            result["pages"] = rows
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(result.get("summary") or result.get("models"), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
