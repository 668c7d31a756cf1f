"""Born-digital throughput: `eakte ingest DIR --json` on 600 born-digital PDF pages in the
embedded mode, without a classification model and with the default model.

Why: born-digital post needs no OCR, so what it costs is the pipeline's own overhead per
record (store, text layer, signatures, manifest, classification, index). The reference
is what reading the text layer alone costs: pypdfium2 per page, measured in the same run.

Each round runs both modes (interleaved, fresh data directory each), as a subprocess the
way a clerk or a cron job runs it. Two clocks per run: the whole process (interpreter
start-up, imports and model loading included) and the runner's own wall time from the
first file to the last index commit (``--stats-json``). Medians over the rounds.
``--profile`` adds one cProfile run per mode and records its top costs.

Run from the repository root: `.venv/bin/python bench/ingest/born_digital.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BORN = "born_digital"
TRUTH_FILE = ".truth.json"
MODES = ("no_model", "default_model", "no_model_base")  # base: --base, the peer
PROJECT_DIRS = ("eakte/", "ingest/", "classify/", "signatures/", "search/", "storage/", "akten/")


def make_corpus(folder: Path, pages: int, seed: int) -> Path:
    """Generated in a child process (``corpus.py``): letters as PDFs with a text layer."""
    if not (folder / BORN).is_dir():
        command = [sys.executable, str(HERE / "corpus.py"), str(folder), f"--pages={pages}"]
        subprocess.run([*command, f"--seed={seed}", "--scan-share=0"], check=True)
    return folder / BORN


def mode_env(
    mode: str, empty_models: Path, data_dir: Path, base: Path | None = None
) -> dict[str, str]:
    code = base if mode.endswith("_base") and base else ROOT
    env = {**os.environ, "EAKTE_DATA_DIR": str(data_dir), "PYTHONPATH": str(code)}
    if mode.startswith("no_model"):  # a model cache without any model: records stay untyped
        env["EAKTE_MODEL_CACHE_DIR"] = str(empty_models)
    return env


def run_once(
    mode: str,
    corpus: Path,
    work: Path,
    name: str,
    profile: Path | None = None,
    base: Path | None = None,
) -> dict[str, Any]:
    data_dir, stats = work / f"{name}-data", work / f"{name}-stats.json"
    env = mode_env(mode, work / "no-models", data_dir, base)
    prefix = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    command = [*prefix, "-m", "eakte", "ingest", str(corpus), "--json"]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--stats-json", str(stats)], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{mode}: eakte ingest failed:\n{done.stderr[-2000:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    cli = json.loads(stats.read_text())
    pages = sum(line.get("pages") or 0 for line in lines if line["status"] == "stored")
    return {
        "mode": mode,
        "pages": pages,
        "files": len(lines),
        "statuses": dict(Counter(line["status"] for line in lines)),
        "typed": sum(1 for line in lines if line.get("doc_type")),
        "process_seconds": round(wall, 3),
        "runner_seconds": cli["wall_seconds"],
        "process_pages_per_second": round(pages / wall, 1),
        "runner_pages_per_second": round(pages / cli["wall_seconds"], 1),
        "stage_seconds": cli["stage_seconds"],
        "loadavg_at_start": round(load, 2),
    }


def pdfium_reference(corpus: Path, rounds: int) -> dict[str, Any]:
    """pypdfium2 alone: open each PDF, read each page's text; seconds per page, median
    over ``rounds`` passes (in this process, warm file cache, as the pipeline reads)."""
    import pypdfium2

    files = sorted(corpus.glob("*.pdf"))
    per_page = []
    for _ in range(rounds):
        pages = 0
        started = time.perf_counter()
        for path in files:
            document = pypdfium2.PdfDocument(path)
            for page in document:
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
            document.close()
        per_page.append((time.perf_counter() - started) / pages)
    median = statistics.median(per_page)
    return {
        "pages": pages,
        "ms_per_page_median": round(median * 1000, 3),
        "pages_per_second": round(1 / median, 1),
        "ms_per_page_runs": [round(t * 1000, 3) for t in per_page],
    }


def top_costs(profile: Path, count: int = 15) -> dict[str, list[dict[str, Any]]]:
    """The profile's largest own times overall, and the project functions with the
    largest cumulative times."""
    stats = pstats.Stats(str(profile))
    rows = stats.stats  # type: ignore[attr-defined]  # pstats keeps it undocumented

    def row(key: tuple[str, int, str], value: tuple[Any, ...]) -> dict[str, Any]:
        calls, _, own, cumulative, _ = value
        where = key[0].replace(str(ROOT) + "/", "")
        where = where.split("site-packages/")[-1]
        return {
            "function": f"{where}:{key[1]}({key[2]})",
            "calls": calls,
            "own_s": round(own, 3),
            "cumulative_s": round(cumulative, 3),
        }

    items = list(rows.items())
    own = sorted(items, key=lambda kv: -kv[1][2])[:count]
    ours = [kv for kv in items if kv[0][0].startswith(str(ROOT)) and "/.venv/" not in kv[0][0]]
    ours = [kv for kv in ours if any(f"/{d}" in kv[0][0] for d in PROJECT_DIRS)]
    cumulative = sorted(ours, key=lambda kv: -kv[1][3])[:count]
    return {
        "by_own_time": [row(k, v) for k, v in own],
        "project_by_cumulative_time": [row(k, v) for k, v in cumulative],
    }


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    summary = {}
    for mode in MODES:
        mine = [r for r in runs if r["mode"] == mode]
        if not mine:
            continue
        summary[mode] = {
            key: statistics.median(r[key] for r in mine)
            for key in (
                "process_pages_per_second",
                "runner_pages_per_second",
                "process_seconds",
                "runner_seconds",
            )
        } | {"typed_files": mine[0]["typed"], "files": mine[0]["files"]}
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--corpus", type=Path, help="generate here (or reuse) and keep it")
    parser.add_argument("--profile", action="store_true", help="one cProfile run per mode")
    parser.add_argument(
        "--base",
        type=Path,
        help="an unpacked older tree (git archive REV | tar -x -C DIR): its no-model run "
        "is the peer, interleaved in the same rounds (mode no_model_base)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/born_digital.json")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m in MODES]
    if args.base:
        modes.append("no_model_base")
    with tempfile.TemporaryDirectory(prefix="eakte-born-digital-") as tmp:
        work = Path(tmp)
        (work / "no-models").mkdir()
        corpus = make_corpus(args.corpus or work / "corpus", args.pages, args.seed)
        reference = pdfium_reference(corpus, args.rounds)
        print(f"pypdfium2 alone: {reference['ms_per_page_median']} ms/page", flush=True)
        runs = []
        for number in range(args.rounds):
            for mode in modes:
                run = run_once(mode, corpus, work, f"{mode}-{number}", base=args.base)
                runs.append(run)
                print(
                    f"round {number + 1} {mode:14} {run['pages']} pages: "
                    f"process {run['process_pages_per_second']:7.1f} p/s, "
                    f"runner {run['runner_pages_per_second']:7.1f} p/s "
                    f"(load {run['loadavg_at_start']})",
                    flush=True,
                )
        profiles = {}
        if args.profile:
            for mode in (m for m in modes if not m.endswith("_base")):
                path = work / f"{mode}.prof"
                run = run_once(mode, corpus, work, f"{mode}-profile", profile=path)
                profiles[mode] = {"run_under_cprofile": run, **top_costs(path)}
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_at_end": os.getloadavg(),
        },
        "settings": {k: v for k, v in os.environ.items() if k.startswith("EAKTE_")},
        "command": "bench/ingest/born_digital.py " + " ".join(argv or sys.argv[1:]),
        "notes": {
            "process": "the whole `eakte ingest` subprocess: interpreter start-up, imports, "
            "model loading, every record, the last index commit",
            "runner": "the runner's wall time from the first file to the last index commit "
            "(--stats-json wall_seconds), without start-up",
            "no_model": "EAKTE_MODEL_CACHE_DIR points at an empty folder: no classification",
            "default_model": "the set-up's default model from the normal model cache",
            "targets": "issue 20: >= 500 pages/s without a model, >= 150 with the default",
        },
        "corpus": {"pages": args.pages, "seed": args.seed},
        "pdfium_reference": reference,
        "summary_medians": summarize(runs),
        "runs": runs,
        "profiles": profiles,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result["summary_medians"], indent=2))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
