"""Ingest throughput of scanned post with Celery workers: pages/minute, 1 and 2 workers.

    .venv/bin/python bench/scale/workers.py               # 60 scanned pages, ~8 min
    .venv/bin/python bench/scale/run.py --ingest --pages 120

Scanned pages are what costs (OCR); born-digital post runs at 160 pages/s on the local
runner (``bench/ingest``) and does not size a deployment. So the input is the ingest
benchmark's generator with every page scanned (``bench/ingest/corpus.py --scan-share 1``:
PNG, JPEG, multi-page TIFF and image-only PDF at 300 dpi with skew, blur and grain).

Real Redis, MinIO and Elasticsearch (``scripts/servers.py``) run in a temp dir. Each
Celery configuration ``PxC`` starts P ``eakte worker --queues ingest,ocr --concurrency C``
processes (started and ready before the clock runs: workers are long-lived), then times
``eakte ingest DIR --json`` in distributed mode with a broker, which stores the
originals, queues them and returns once every record is finished and indexed. Each run
has its own Redis database, buckets and index alias. The peer in the same run is the
local runner (embedded mode, ``EAKTE_WORKERS=N`` OCR processes), the same work without
a queue, an object store or a search server.

Writes the ``ingest`` part of ``bench/results/scale.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # last: a PYTHONPATH (``--commit``) wins for the product
    sys.path.append(str(ROOT))

from bench.scale.run import (  # noqa: E402
    RESULTS,
    export_commit,
    group_usage,
    machine,
    machine_busy,
    source_state,
    wait_for_quiet,
    write_part,
)

Popen = subprocess.Popen[bytes]
DEFAULT_RUNS = "celery:1x1,celery:2x1,celery:1x2,local:1,local:2"
READY_TIMEOUT = 300.0
WARM_LINE = "Worker-Prozess vorbereitet"  # workers.app.WARM
TIMING_PREFIX = "Zeiten "  # workers.timing.PREFIX
INGEST_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Plan:
    """``celery:PxC`` (P worker processes of concurrency C) or ``local:N``."""

    spec: str
    kind: str
    processes: int
    concurrency: int

    @property
    def ocr_slots(self) -> int:
        return self.processes * self.concurrency

    @classmethod
    def parse(cls, spec: str) -> Plan:
        kind, _, shape = spec.partition(":")
        if kind == "celery":
            processes, _, concurrency = shape.partition("x")
            return cls(spec, kind, int(processes), int(concurrency or 1))
        if kind == "local":
            return cls(spec, kind, 1, int(shape))
        raise ValueError(f"unknown run {spec!r}: celery:PxC or local:N")


def make_corpus(source: Path, folder: Path, pages: int, seed: int) -> dict[str, Any]:
    script = source / "bench" / "ingest" / "corpus.py"
    command = [sys.executable, str(script), str(folder), f"--pages={pages}", f"--seed={seed}"]
    subprocess.run([*command, "--scan-share=1"], check=True, stdout=subprocess.DEVNULL)
    files = json.loads((folder / ".truth.json").read_text())
    formats: dict[str, int] = {}
    for item in files:
        formats[item["format"]] = formats.get(item["format"], 0) + 1
    return {"files": len(files), "pages": sum(len(f["truth"]) for f in files), "formats": formats}


def start_workers(
    eakte: Path, plan: Plan, env: dict[str, str], logs: list[Path], warms_up: bool
) -> list[Popen]:
    """Start P worker processes, each in its own process group, and wait until ready
    and (``warms_up``: the code under test loads its models at start, as long-lived
    workers have) until every pool process has done so."""
    workers: list[tuple[Popen, Path]] = []
    for log in logs:
        argv = [str(eakte), "worker", "--queues", "ingest,ocr"]
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*argv, "--concurrency", str(plan.concurrency)],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        workers.append((process, log))
    deadline = time.monotonic() + READY_TIMEOUT

    def ready(log: Path) -> bool:
        text = log.read_text(errors="replace")
        return " ready." in text and (not warms_up or text.count(WARM_LINE) >= plan.concurrency)

    for process, log in workers:
        while not ready(log):
            if process.poll() is not None or time.monotonic() > deadline:
                stop_workers([p for p, _ in workers])
                tail = log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"worker did not become ready ({log}):\n{tail}")
            time.sleep(0.2)
    return [process for process, _ in workers]


def task_timings(logs: list[Path]) -> dict[str, dict[str, float]]:
    """Per task kind: how many ran and the seconds of each part, summed over the run
    (the ``Zeiten`` lines of ``workers.timing``)."""
    summed: dict[str, dict[str, float]] = {}
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            _, found, body = line.partition(TIMING_PREFIX)
            if not found:
                continue
            parts = json.loads(body)
            kind = summed.setdefault(parts.pop("task"), {"count": 0})
            kind["count"] += 1
            for name, seconds in parts.items():
                kind[name] = round(kind.get(name, 0.0) + seconds, 3)
    return summed


def stop_workers(workers: list[Popen]) -> None:
    """SIGTERM to each group (Celery's warm shutdown), SIGKILL after a minute."""
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in workers:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_ingest(eakte: Path, folder: Path, env: dict[str, str], stats: Path) -> dict[str, Any]:
    command = [str(eakte), "ingest", str(folder), "--json", "--stats-json", str(stats)]
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, timeout=INGEST_TIMEOUT)
    wall = time.perf_counter() - began
    lines = [json.loads(line) for line in done.stdout.decode().splitlines() if line[:1] == "{"]
    cli_stats = json.loads(stats.read_text()) if stats.exists() else {}
    return {
        "wall_seconds": wall,
        "exit_code": done.returncode,
        "files": len(lines),
        "stored": sum(line["status"] == "stored" for line in lines),
        "pages": sum(line.get("pages") or 0 for line in lines if line["status"] == "stored"),
        "ocr_pages": cli_stats.get("ocr_pages"),
        "index_error": cli_stats.get("index_error"),
        "errors": [line["error"] for line in lines if line.get("error")],
        "stderr_tail": done.stderr.decode(errors="replace")[-1500:] if done.returncode else "",
    }


def measure(
    eakte: Path,
    source: Path,
    plan: Plan,
    folder: Path,
    base_env: dict[str, str],
    work: Path,
    number: int,
    quiet_wait: float,
) -> dict[str, Any]:
    data = work / f"data-{number}"
    env = {**base_env, "EAKTE_DATA_DIR": str(data)}
    workers: list[Popen] = []
    logs: list[Path] = []
    if plan.kind == "celery":
        env["EAKTE_BROKER_URL"] = f"{base_env['EAKTE_BROKER_URL']}{number % 15 + 1}"
        env["EAKTE_S3_ORIGINALS_BUCKET"] = f"bench-originals-{number}"
        env["EAKTE_S3_DERIVED_BUCKET"] = f"bench-derived-{number}"
        env["EAKTE_ELASTICSEARCH_ALIAS"] = f"bench-{number}"
        env["EAKTE_ORIGINALS_CACHE_DIR"] = str(work / f"originals-cache-{number}")  # cold
        name = f"{number:02d}-{plan.spec.replace(':', '-')}"
        logs = [work / f"{name}-worker{n}.log" for n in range(plan.processes)]
        warms_up = WARM_LINE in (source / "workers" / "app.py").read_text()
        workers = start_workers(eakte, plan, env, logs, warms_up)
    else:
        env = {k: v for k, v in env.items() if not k.startswith(("EAKTE_S3", "EAKTE_ELASTIC"))}
        env |= {"EAKTE_MODE": "embedded", "EAKTE_WORKERS": str(plan.concurrency)}
        env.pop("EAKTE_BROKER_URL", None)
    quiet = wait_for_quiet(quiet_wait)
    load = os.getloadavg()[0]
    busy = machine_busy()
    worker_cpu = sum(group_usage(w.pid, children=True)[0] for w in workers)
    try:
        result = run_ingest(eakte, folder, env, work / f"stats-{number}.json")
        busy = machine_busy() - busy
        worker_cpu = sum(group_usage(w.pid, children=True)[0] for w in workers) - worker_cpu
    finally:
        stop_workers(workers)
    wall = result["wall_seconds"]
    return {
        "run": plan.spec,
        "kind": plan.kind,
        "worker_processes": plan.processes if plan.kind == "celery" else 0,
        "concurrency": plan.concurrency,
        "ocr_slots": plan.ocr_slots,
        **result,
        "wall_seconds": round(wall, 1),
        "pages_per_minute": round(result["pages"] / wall * 60, 1),
        "seconds_per_page": round(wall / max(result["pages"], 1), 2),
        "cpu_seconds_workers": round(worker_cpu, 1) if workers else None,
        "cpu_seconds_machine": round(busy, 1),
        "loadavg_at_start": round(load, 2),
        **quiet,
        "task_seconds": task_timings(logs) if logs else None,
    }


def start_servers(work: Path) -> tuple[Any, dict[str, str]]:
    from scripts.servers import NAMES, RealServers, ensure

    ensure(NAMES)
    servers = RealServers(work / "servers")
    for name in NAMES:
        servers.start(name)
    redis, minio, es = (servers.servers[name] for name in NAMES)
    env = {
        **os.environ,
        "EAKTE_MODE": "distributed",
        "EAKTE_BROKER_URL": f"redis://{redis.host}:{redis.port}/",  # + database per run
        "EAKTE_S3_ENDPOINT": f"{minio.host}:{minio.port}",
        "EAKTE_S3_ACCESS_KEY": minio.credentials["access_key"],
        "EAKTE_S3_SECRET_KEY": minio.credentials["secret_key"],
        "EAKTE_ELASTICSEARCH_URL": es.url,
    }
    return servers, env


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per run kind: the median of the repeats (and their range), since other work on
    the machine moves single runs by a third."""
    summary = []
    for spec in dict.fromkeys(row["run"] for row in rows):
        mine = [row for row in rows if row["run"] == spec]
        rates = [row["pages_per_minute"] for row in mine]
        cpu = [
            row["cpu_seconds_workers"] / row["pages"] for row in mine if row["cpu_seconds_workers"]
        ]
        summary.append(
            {
                "run": spec,
                "ocr_slots": mine[0]["ocr_slots"],
                "repeats": len(mine),
                "pages_per_minute_median": round(statistics.median(rates), 1),
                "pages_per_minute_range": [min(rates), max(rates)],
                "worker_cpu_seconds_per_page_median": round(statistics.median(cpu), 2)
                if cpu
                else None,
                "all_exit_0": all(row["exit_code"] == 0 for row in mine),
            }
        )
    return summary


def print_table(summary: list[dict[str, Any]], corpus: dict[str, Any]) -> None:
    print(f"\n{corpus['pages']} scanned pages in {corpus['files']} files; medians of repeats")
    print(
        f"{'run':12} {'OCR slots':>9} {'pages/min':>9} {'range':>13} {'worker CPU s/page':>17} ok"
    )
    for row in summary:
        low, high = row["pages_per_minute_range"]
        cpu = row["worker_cpu_seconds_per_page_median"]
        print(
            f"{row['run']:12} {row['ocr_slots']:>9} {row['pages_per_minute_median']:>9.1f} "
            f"{f'{low:.1f}-{high:.1f}':>13} {'-' if cpu is None else f'{cpu:.2f}':>17} "
            f"{'yes' if row['all_exit_0'] else 'NO'}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60, help="scanned pages in the input")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds over all runs (interleaved); medians"
    )
    parser.add_argument("--runs", default=DEFAULT_RUNS, help="comma-separated celery:PxC, local:N")
    parser.add_argument(
        "--quiet-wait", type=float, default=300, help="max s to wait for an idle machine"
    )
    parser.add_argument("--eakte", type=Path, default=ROOT / ".venv" / "bin" / "eakte")
    parser.add_argument(
        "--commit", help="measure this commit (git archive + PYTHONPATH), not the working tree"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workdir", type=Path, help="parent of the temp dir (default /tmp)")
    args = parser.parse_args(argv)
    plans = [Plan.parse(spec.strip()) for spec in args.runs.split(",") if spec.strip()]

    rows = []
    with tempfile.TemporaryDirectory(prefix="eakte-scale-ingest-", dir=args.workdir) as tmp:
        work = Path(tmp)
        source, commit = ROOT, None
        if args.commit:
            source = work / "source"
            commit = export_commit(args.commit, source)
            print(f"measuring commit {commit[:12]} (unpacked in {source})", flush=True)
        print(f"generating {args.pages} scanned pages ...", flush=True)
        corpus = make_corpus(source, work / "post", args.pages, args.seed)
        servers, env = start_servers(work)
        if commit:
            env["PYTHONPATH"] = str(source)  # ahead of the editable install's finder
        try:
            for number, plan in enumerate(plans * args.repeat):
                print(f"run {plan.spec} ({number // len(plans) + 1}/{args.repeat}) ...", flush=True)
                rows.append(
                    measure(
                        args.eakte, source, plan, work / "post", env, work, number, args.quiet_wait
                    )
                )
                print(f"  {rows[-1]['pages_per_minute']:.1f} pages/min", flush=True)
        finally:
            servers.stop_all()
            servers.remove_data()
    write_part(
        args.out,
        "ingest",
        {
            "command": "bench/scale/workers.py " + " ".join(argv or sys.argv[1:]),
            "machine": machine(),
            "source": {"commit": commit} if commit else source_state(),
            "corpus": {**corpus, "seed": args.seed, "scan_dpi": 300},
            "settings": {k: v for k, v in os.environ.items() if k.startswith("EAKTE_")},
            "summary": summarise(rows),
            "runs": rows,
        },
    )
    print_table(summarise(rows), corpus)
    print(f"wrote {args.out}")
    return 0 if all(row["exit_code"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
