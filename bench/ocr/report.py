"""Markdown tables for the two OCR benchmark scripts, kept apart from the measuring code
so a table can be rebuilt from a results JSON without running anything again."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

LABELS = {
    "eakte": "eAkte `ingest` (EAKTE_WORKERS=2)",
    "ocrmypdf_same_work": "OCRmyPDF same work (rotate, deskew, PDF/A)",
    "ocrmypdf_plain": "OCRmyPDF plain",
    "tesseract_raw": "raw `tesseract -l deu` (2 parallel)",
}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.2f} %"


def _quality_cells(q: dict[str, Any]) -> list[str]:
    every, upright, flipped = q["all"], q["upright"], q["upside_down"]
    return [
        f"{_pct(every['cer_median'])} / {_pct(every['cer_mean'])}",
        _pct(upright.get("cer_mean")),
        _pct(flipped.get("cer_mean")),
        f"{_pct(every['wer_median'])} / {_pct(every['wer_mean'])}",
        f"{_pct(every['mixed_line_share'])} ({every['pages_with_mixed_line']} p.)",
    ]


def run_table(result: dict[str, Any]) -> str:
    c, m = result.get("comparisons"), result["machine"]
    head = (
        f"{result['corpus']['pages']} pages in {result['corpus']['files']} image-only PDFs "
        f"({result['corpus']['upside_down_pages']} upside down), {result['rounds']} "
        f"interleaved rounds, nproc {m['nproc']}, {m['tesseract']}, OCRmyPDF {m['ocrmypdf']}, "
        f"commit {m['git_commit'][:10]} (eAkte from {m.get('eakte_from', 'the work tree')})\n\n"
    )
    rows = [
        "| system | pages/min median (rounds) | s median [min, max] | CER median / mean "
        "| CER mean upright | CER mean upside-down | WER median / mean | mixed lines |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in result["systems"].items():
        rounds = ", ".join(f"{v:g}" for v in s["pages_per_minute_rounds"])
        lo, hi = s["spread_seconds"]
        cells = [
            LABELS.get(name, name),
            f"{s['pages_per_minute']:g} ({rounds})",
            f"{s['median_seconds']:g} [{lo:g}, {hi:g}]",
            *_quality_cells(s["quality"]),
        ]
        rows.append("| " + " | ".join(cells) + " |")

    if c is None:
        return head + "\n".join(rows) + "\n"

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    targets = [
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| CER (mean, all pages) no worse than OCRmyPDF same work | {_pct(c['cer_mean_eakte'])} "
        f"vs {_pct(c['cer_mean_ocrmypdf_same_work'])} | {mark(c['cer_target_met'])} |",
        f"| pages/min ≥ 1.2× OCRmyPDF same work | "
        f"{c['speed_ratio_eakte_vs_ocrmypdf_same_work']:.2f}× | {mark(c['speed_target_met'])} |",
        f"| overhead over raw Tesseract < 15 % | {c['overhead_vs_tesseract_raw_percent']:.1f} % "
        f"| {mark(c['overhead_target_met'])} |",
        "",
        "Ratios of the medians. Round by round: speed ratio "
        + ", ".join(f"{v:.2f}×" for v in c["speed_ratio_per_round"])
        + "; overhead "
        + ", ".join(f"{v:.1f} %" for v in c["overhead_per_round_percent"])
        + f" (median {c['overhead_median_of_rounds_percent']:.1f} %).",
    ]
    return head + "\n".join(rows + targets) + "\n"


def tune_table(result: dict[str, Any]) -> str:
    rows = [
        "| configuration | s/page median | CER median / mean (all) | CER mean upright "
        "| CER mean upside-down | WER mean | mixed lines |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in result["configurations"].items():
        q = _quality_cells(s["quality"])
        cells = [name, f"{s['seconds_median']:.2f}", q[0], q[1], q[2], q[3].split(" / ")[1], q[4]]
        rows.append("| " + " | ".join(cells) + " |")
    osd = [
        "",
        "| OSD (`--psm 0`) | s/page median | 180° pages found | upright pages called 180° "
        "| failed pages |",
        "|---|---|---|---|---|",
    ]
    for name, s in result["osd"].items():
        osd.append(
            f"| {name} | {s['seconds_median']:.2f} | {s['flipped_detected']}/{s['flipped_pages']} "
            f"| {s['upright_called_180']}/{s['upright_pages']} | {s['failed']} |"
        )
    return "\n".join(rows + osd) + "\n"


if __name__ == "__main__":  # rebuild a table: python bench/ocr/report.py RESULT.json
    data = json.loads(Path(sys.argv[1]).read_text())
    print(tune_table(data) if "configurations" in data else run_table(data))
