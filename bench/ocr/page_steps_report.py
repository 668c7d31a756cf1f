"""The Markdown tables of ``bench/ocr/page_steps.py`` (``bench/results/ocr_page_steps.md``)."""

from __future__ import annotations

from typing import Any

from bench.ocr.page_steps_measure import REPEATS, STRAIGHTENERS


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
