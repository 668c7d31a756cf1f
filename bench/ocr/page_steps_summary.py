"""Figures over pages for ``bench/ocr/page_steps.py``: medians, ranges and paired
ratios of what ``page_steps_measure.measure_page`` recorded per page."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from bench.ocr.page_steps_measure import FORMATS, STRAIGHTENERS
from ingest import geometry


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


def cer_figures(cers: Sequence[float]) -> dict[str, float | None]:
    return {
        "cer_median": round(statistics.median(cers), 4) if cers else None,
        "cer_mean": round(statistics.fmean(cers), 4) if cers else None,
        "cer_max": max(cers, default=None),
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
