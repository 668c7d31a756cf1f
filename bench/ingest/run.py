"""End-to-end ingest benchmark: `eakte ingest DIR --json` on generated post, as a user runs it.

Why a subprocess: the number that matters is what a clerk or a cron job sees, including
start-up, the process pool and Tesseract children, and memory of the real processes.
Three runs, each with a fresh EAKTE_DATA_DIR: everything, then each half alone, which
gives pages/s for born-digital and for scanned post separately.

Run from the repository root: `.venv/bin/python bench/ingest/run.py [--pages 60]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # so `python bench/ingest/run.py` finds `bench.ingest`
    sys.path.insert(0, str(ROOT))

from bench.ingest.memory import TreeMemory  # noqa: E402

MIB = 1024 * 1024
# Kept in step with corpus.py, which this process must not import: Python spawns children
# with vfork, and Linux then charges the parent's RSS to the child's ru_maxrss. Keeping
# PIL and the rendered pages out of this process keeps that floor at ~15 MiB.
BORN, SCANS, TRUTH_FILE = "born_digital", "scans", ".truth.json"


@dataclass
class Run:
    name: str
    pages_expected: int
    loadavg_at_start: float  # other work on the machine skews the numbers; say so
    wall_seconds: float = 0.0
    exit_code: int = 0
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    ru_maxrss_mib: float = 0.0
    rusage_children_maxrss_mib: float = 0.0
    sampled: dict[str, float] = field(default_factory=dict)
    cli_stats: dict[str, Any] | None = None
    stderr_tail: str = ""

    def summary(self) -> dict[str, Any]:
        pages = sum(o.get("pages") or 0 for o in self.outcomes if o["status"] == "stored")
        return {
            "files": len(self.outcomes),
            "statuses": dict(Counter(o["status"] for o in self.outcomes)),
            "pages_expected": self.pages_expected,
            "pages_stored": pages,
            "wall_seconds": round(self.wall_seconds, 2),
            "pages_per_second": round(pages / self.wall_seconds, 3) if self.wall_seconds else 0,
            "exit_code": self.exit_code,
            "loadavg_at_start": round(self.loadavg_at_start, 2),
            "ru_maxrss_mib": self.ru_maxrss_mib,
            "rusage_children_maxrss_mib": self.rusage_children_maxrss_mib,
            **self.sampled,
            "cli_stats": self.cli_stats,
            "errors": [o["error"] for o in self.outcomes if o.get("error")],
            "stderr_tail": self.stderr_tail if self.exit_code else "",
        }


def run_ingest(eakte: Path, name: str, inputs: list[Path], pages: int, work: Path) -> Run:
    """One `eakte ingest --json` subprocess with a fresh data directory."""
    run = Run(name, pages, loadavg_at_start=os.getloadavg()[0])
    data_dir, stats_path, stderr_path = (work / f"{name}-{s}" for s in ("data", "stats", "err"))
    env = {**os.environ, "EAKTE_DATA_DIR": str(data_dir)}
    command = [str(eakte), "ingest", *map(str, inputs), "--json", "--stats-json", str(stats_path)]
    with stderr_path.open("wb") as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=stderr)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        assert proc.stdout is not None
        lines = proc.stdout.read().decode("utf-8").splitlines()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not cumulative
        run.wall_seconds = time.perf_counter() - started
        sampler.stop()
        proc.returncode = run.exit_code = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
    run.outcomes = [json.loads(line) for line in lines if line.startswith("{")]
    run.ru_maxrss_mib = round(usage.ru_maxrss / 1024, 1)  # Linux reports KiB
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run.rusage_children_maxrss_mib = round(children / 1024, 1)
    run.sampled = {
        "sampled_peak_tree_rss_mib": round(sampler.peak_sum / MIB, 1),
        "sampled_peak_process_rss_mib": round(sampler.peak_single / MIB, 1),
        "sampled_peak_processes": sampler.peak_processes,
    }
    if stats_path.exists():
        run.cli_stats = json.loads(stats_path.read_text())
    run.stderr_tail = stderr_path.read_text(errors="replace")[-2000:]
    return run


def show(eakte: Path, data_dir: Path, record_id: str) -> dict[str, Any]:
    env = {**os.environ, "EAKTE_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [str(eakte), "show", record_id, "--json"], env=env, capture_output=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def cer(found: str, truth: str) -> float:
    """Character error rate after collapsing whitespace; rapidfuzz if present."""
    found, truth = (re.sub(r"\s+", " ", t).strip() for t in (found, truth))
    try:
        from rapidfuzz.distance import Levenshtein

        return float(Levenshtein.distance(found, truth)) / max(1, len(truth))
    except ImportError:
        import difflib

        return 1.0 - difflib.SequenceMatcher(None, found, truth, autojunk=False).ratio()


def word_recall(found: str, truth: str) -> float:
    """Share of ground-truth words found, in any order: OCR layout analysis may read a
    list's date column before its text column, which CER punishes but search does not."""
    want, got = Counter(truth.split()), Counter(found.split())
    return sum((want & got).values()) / max(1, sum(want.values()))


def make_corpus(folder: Path, pages: int, seed: int, scan_share: float) -> list[dict[str, Any]]:
    """Generate in a child process (see the note at BORN) and read back the ground truth."""
    command = [sys.executable, str(HERE / "corpus.py"), str(folder), f"--pages={pages}"]
    subprocess.run([*command, f"--seed={seed}", f"--scan-share={scan_share}"], check=True)
    corpus: list[dict[str, Any]] = json.loads((folder / TRUTH_FILE).read_text())
    return corpus


def inspect_records(
    eakte: Path, run: Run, work: Path, corpus: list[dict[str, Any]]
) -> dict[str, Any]:
    """Per-stage seconds from the manifests' events, and text quality per half."""
    truth = {item["path"]: item for item in corpus}
    stages: dict[str, float] = defaultdict(float)
    rates: dict[str, list[float]] = defaultdict(list)
    recalls: dict[str, list[float]] = defaultdict(list)
    ocr_pages: Counter[str] = Counter()
    worst: list[tuple[float, str, int | None]] = []
    for outcome in run.outcomes:
        if outcome["status"] != "stored":
            continue
        manifest = show(eakte, work / f"{run.name}-data", outcome["id"])
        for event in manifest.get("events", []):
            if event.get("stage") and event.get("seconds") is not None:
                stages[event["stage"]] += event["seconds"]
        source = truth.get(outcome["path"])
        if source is None:
            continue
        for page, expected in zip(manifest.get("pages", []), source["truth"], strict=False):
            rate = cer(page.get("text") or "", expected)
            rates[source["half"]].append(rate)
            recalls[source["half"]].append(word_recall(page.get("text") or "", expected))
            worst.append((rate, Path(source["path"]).name, page.get("number")))
            ocr_pages[source["half"]] += page.get("ocr_confidence") is not None
    return {
        "stage_seconds_sum_over_records": {k: round(v, 3) for k, v in stages.items()},
        "cer_mean": {half: round(statistics.fmean(r), 5) for half, r in rates.items()},
        "cer_max": {half: round(max(r), 5) for half, r in rates.items()},
        "word_recall_mean": {half: round(statistics.fmean(r), 5) for half, r in recalls.items()},
        "ocr_pages": dict(ocr_pages),
        "worst_pages": [
            {"file": name, "page": number, "cer": round(rate, 4)}
            for rate, name, number in sorted(worst, reverse=True)[:5]
        ],
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"\n{'run':14} {'files':>5} {'pages':>5} {'wall s':>8} {'pages/s':>8} "
          f"{'maxrss MiB':>10} {'tree MiB':>9} exit")  # fmt: skip
    for name, row in result["runs"].items():
        print(
            f"{name:14} {row['files']:>5} {row['pages_stored']:>5} {row['wall_seconds']:>8.1f} "
            f"{row['pages_per_second']:>8.2f} {row['ru_maxrss_mib']:>10.0f} "
            f"{row['sampled_peak_tree_rss_mib']:>9.0f} {row['exit_code']}"
        )
    records = result.get("records")
    if records:
        print("\nstage seconds, summed over the records of run 'all' (from `eakte show`):")
        for stage, seconds in records["stage_seconds_sum_over_records"].items():
            print(f"  {stage:12} {seconds:8.2f}")
        print(f"CER mean by half: {records['cer_mean']}")
        print(f"word recall by half: {records['word_recall_mean']}")
        print(f"OCR'd pages by half: {records['ocr_pages']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60, help="total pages, half scanned")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--eakte", type=Path, default=ROOT / ".venv/bin/eakte")
    parser.add_argument("--no-split", action="store_true", help="skip the per-half runs")
    parser.add_argument(
        "--scan-share", type=float, default=0.5, help="share of scanned pages (0 to 1)"
    )
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/ingest.json")
    args = parser.parse_args(argv)
    if not args.eakte.exists():
        parser.error(f"{args.eakte} not found: install the project first (pip install -e .)")
    with tempfile.TemporaryDirectory(prefix="eakte-ingest-bench-") as tmp:
        work = Path(tmp)
        corpus_dir = args.keep or work / "corpus"
        started = time.perf_counter()
        corpus = make_corpus(corpus_dir, args.pages, args.seed, args.scan_share)
        generated = time.perf_counter() - started
        half_pages = {
            h: sum(len(f["truth"]) for f in corpus if f["half"] == h) for h in (BORN, SCANS)
        }
        plan = [("all", [corpus_dir / BORN, corpus_dir / SCANS], args.pages)]
        if not args.no_split:
            plan += [(half, [corpus_dir / half], half_pages[half]) for half in (BORN, SCANS)]
        runs = []
        for name, inputs, pages in plan:
            print(f"run {name}: {pages} pages ...", flush=True)
            runs.append(run_ingest(args.eakte, name, inputs, pages, work))
        records = inspect_records(args.eakte, runs[0], work, corpus)
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "loadavg_at_end": os.getloadavg()},
        "settings": {k: v for k, v in os.environ.items() if k.startswith("EAKTE_")},
        "corpus": {
            "pages": args.pages, **{f"{h}_pages": n for h, n in half_pages.items()},
            "files_by_format": dict(Counter(f"{f['half']}/{f['format']}" for f in corpus)),
            "generation_seconds": round(generated, 1), "scan_dpi": 300,
        },
        "notes": {
            "wall_seconds": "whole subprocess incl. interpreter start-up and index flush",
            "ru_maxrss_mib": "os.wait4 rusage of that run's CLI process: the largest single "
            "process among it and the descendants it waited for, not a sum",
            "rusage_children_maxrss_mib": "resource.getrusage(RUSAGE_CHILDREN) after the run: "
            "same meaning, but the maximum over all children so far, the corpus generator too",
            "sampled_peak_tree_rss_mib": "sum of RSS over the process tree, sampled every "
            "50 ms from /proc; overcounts pages shared between processes",
            "memory": "pool workers run under multiprocessing's forkserver, which the CLI "
            "does not wait for, so ru_maxrss can miss them: compare sampled_peak_process_rss_mib",
            "word_recall": "share of truth words found in any order; CER also counts "
            "reading order, which Tesseract's layout analysis changes on dated lists",
            "stage_seconds_sum_over_records": "ocr is summed over pages run in parallel "
            "workers, so it can exceed the wall time",
        },
        "runs": {run.name: run.summary() for run in runs},
        "records": records,
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_table(result)
    print(f"\nwritten to {args.out}")
    return 0 if all(run.exit_code == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
