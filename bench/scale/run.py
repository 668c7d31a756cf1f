"""Scale benchmark: bulk indexing and search latency at 100,000 records, both engines.

    .venv/bin/python bench/scale/run.py                    # 100,000 records, ~15 min
    .venv/bin/python bench/scale/run.py --docs 10000 --out /tmp/scale-10k.json
    .venv/bin/python bench/scale/run.py --ingest           # ingest with 1 and 2 workers

Generates seeded synthetic records (``corpus.py``) and loads them through the product's
own adapters, ``TantivyIndex`` and ``ElasticsearchIndex``, with ``rebuild`` — the path of
``eakte reindex`` and the batch sizes the product uses (tantivy commits every 500
documents, the Elasticsearch bulk helper sends chunks of 500). Elasticsearch runs for
real (``scripts/servers.py``) in a temporary directory and is stopped afterwards; it
starts only after tantivy is done, so each engine has both cores to itself.
Writes the ``index`` part of ``bench/results/scale.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # last: a PYTHONPATH (``--commit``) wins for the product
    sys.path.append(str(ROOT))

from bench.scale.corpus import SEED, CorpusStats, RecordGenerator, describe  # noqa: E402
from bench.scale.queries import LIMIT, Query, make_queries  # noqa: E402
from eakte.ports import IndexDocument, SearchIndex  # noqa: E402
from search import german  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "scale.json"
SINGLE_UPSERTS = 20
WARM_UP_ROUNDS = 2
QUIET_CORES = 0.3
PINNED = "EAKTE_BENCH_COMMIT"  # set in the re-run of this script on an unpacked commit
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Engine:
    """An index under test and how to read its cost beyond this process."""

    name: str
    index: SearchIndex
    disk: Callable[[], dict[str, int]]
    server_cpu: Callable[[], float] = lambda: 0.0
    server_rss: Callable[[], int] = lambda: 0
    details: Callable[[], dict[str, Any]] = dict


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> float:
    """CPU seconds all processes spent (busy, not idle or iowait), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def wait_for_quiet(max_wait: float, busy_cores: float = QUIET_CORES) -> dict[str, float]:
    """Other work on a 2-core machine moves these figures a lot (test suites, servers),
    so wait up to ``max_wait`` s for a 3-second window in which the machine is nearly
    idle; the busy cores seen last are recorded either way."""
    began = time.monotonic()
    while True:
        before = machine_busy()
        time.sleep(3.0)
        busy = (machine_busy() - before) / 3.0
        waited = time.monotonic() - began
        if busy < busy_cores or waited >= max_wait:
            return {"busy_cores_before": round(busy, 2), "waited_seconds": round(waited)}


def group_usage(pgid: int, *, children: bool = False) -> tuple[float, int]:
    """CPU seconds and RSS bytes summed over a process group (the server and its JVM);
    with ``children``, also what its members' reaped children used (Tesseract runs)."""
    cpu, rss = 0.0, 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            cpu += sum(int(v) for v in fields[11 : 15 if children else 13]) / CLOCK_TICKS
            rss += int(fields[21]) * PAGE_BYTES
    return cpu, rss


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentiles(seconds: list[float]) -> dict[str, float]:
    """Median and nearest-rank p95 in ms, as ``bench/index`` reports them."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def measure_search(
    index: SearchIndex, queries: list[Query], rounds: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Warm up, then run every query ``rounds`` times in a shuffled order per round."""
    totals: list[int] = []
    for round_number in range(WARM_UP_ROUNDS):
        for query in queries:
            result = index.search(query.text, limit=LIMIT, filters=query.filters)
            if round_number == 0:
                totals.append(result.total)
    per_query: list[list[float]] = [[] for _ in queries]
    order = list(range(len(queries)))
    rng = random.Random(SEED)
    for _ in range(rounds):
        rng.shuffle(order)
        for i in order:
            query = queries[i]
            began = time.perf_counter()
            index.search(query.text, limit=LIMIT, filters=query.filters)
            per_query[i].append(time.perf_counter() - began)
    every = [s for samples in per_query for s in samples]
    categories: dict[str, Any] = {}
    for category in dict.fromkeys(q.category for q in queries):
        mine = [ss for q, ss in zip(queries, per_query, strict=True) if q.category == category]
        categories[category] = percentiles([s for samples in mine for s in samples])
    summary = {"all": percentiles(every), "by_category": categories}
    rows = [
        {"query": q.label, "category": q.category, "total": total, **percentiles(samples)}
        for q, total, samples in zip(queries, totals, per_query, strict=True)
    ]
    return summary, rows


def bench_engine(
    engine: Engine,
    docs: list[IndexDocument],
    extra: list[IndexDocument],
    queries: list[Query],
    rounds: int,
    quiet_wait: float,
) -> dict[str, Any]:
    index = engine.index
    german.clear_term_cache()  # analysing unseen words is part of the load
    quiet = wait_for_quiet(quiet_wait)
    load = os.getloadavg()[0]
    busy, cpu, server_cpu = machine_busy(), own_cpu(), engine.server_cpu()
    print(f"{engine.name}: indexing {len(docs)} records ...", flush=True)
    began = time.perf_counter()
    loaded = index.rebuild(docs)
    seconds = time.perf_counter() - began
    cpu, server_cpu = own_cpu() - cpu, engine.server_cpu() - server_cpu
    others = machine_busy() - busy - cpu - server_cpu
    count = index.count()
    if loaded != len(docs) or count != len(docs):
        raise SystemExit(f"{engine.name}: loaded {loaded}, counts {count}, want {len(docs)}")
    disk = engine.disk()
    print(f"{engine.name}: {len(docs) / seconds:.0f} docs/s; searching ...", flush=True)
    search_quiet = wait_for_quiet(quiet_wait)
    search_busy = machine_busy()
    search, rows = measure_search(index, queries, rounds)
    search["cpu_seconds_machine"] = round(machine_busy() - search_busy, 1)
    search |= {"quiet_" + k: v for k, v in search_quiet.items()}
    upserts = []
    for doc in extra:
        began = time.perf_counter()
        index.upsert([doc])
        upserts.append(time.perf_counter() - began)
    result = {
        "bulk": {
            "docs": len(docs),
            "seconds": round(seconds, 2),
            "docs_per_second": round(len(docs) / seconds, 1),
            "cpu_seconds_bench_process": round(cpu, 1),
            "cpu_seconds_server": round(server_cpu, 1),
            "cpu_seconds_other_processes": round(others, 1),  # noise from outside the bench
            "loadavg_at_start": round(load, 2),
            **quiet,
        },
        "search": search,
        "single_upsert": percentiles(upserts),
        "disk": disk,
        "server_rss_mib_after": round(engine.server_rss() / 2**20),
        **engine.details(),
    }
    return {**result, "queries": rows}


def tantivy_engine(work: Path) -> Engine:
    from search.tantivy_index import REBUILD_THREADS, TantivyIndex

    path = work / "tantivy"
    return Engine(
        "tantivy",
        TantivyIndex(path),
        disk=lambda: {"index_bytes": dir_size(path)},
        details=lambda: {
            "rebuild": f"one writer, {REBUILD_THREADS} threads, one commit",
            "version": version("tantivy"),
        },
    )


@contextmanager
def elasticsearch_engine(work: Path, heap: str) -> Iterator[Engine]:
    """A real Elasticsearch in ``work`` for the duration; its data is removed afterwards."""
    from elasticsearch import Elasticsearch

    from scripts.servers import RealServers, ensure
    from search.elasticsearch_index import ElasticsearchIndex

    ensure(("elasticsearch",))
    servers = RealServers(work / "servers", es_heap=heap)
    try:
        began = time.perf_counter()
        info = servers.start("elasticsearch")
        print(f"elasticsearch: up in {time.perf_counter() - began:.0f} s, heap {heap}", flush=True)
        assert info.pid is not None
        pgid = info.pid
        client = Elasticsearch(info.url, request_timeout=120)
        index = ElasticsearchIndex(info.url, request_timeout=120)

        def disk() -> dict[str, int]:
            client.indices.flush(index="eakte")
            stats = client.indices.stats(index="eakte", metric=["store", "segments"])
            primaries = stats["_all"]["primaries"]
            return {
                "index_bytes": primaries["store"]["size_in_bytes"],
                "segments": primaries["segments"]["count"],
                "data_dir_bytes": dir_size(Path(info.data_dir) / "data"),
            }

        def details() -> dict[str, Any]:
            floor = []  # the server's round trip for the cheapest request: the latency floor
            for _ in range(60):
                began = time.perf_counter()
                client.count(index="eakte")
                floor.append(time.perf_counter() - began)
            return {
                "count_request_round_trip": percentiles(floor[10:]),
                "analysis": index.analysis,
                "heap": heap,
                "server_version": next(iter(client.nodes.info()["nodes"].values()))["version"],
                "client_version": version("elasticsearch"),
            }

        yield Engine(
            "elasticsearch",
            index,
            disk=disk,
            server_cpu=lambda: group_usage(pgid)[0],
            server_rss=lambda: group_usage(pgid)[1],
            details=details,
        )
        index.close()
        client.close()
    finally:
        servers.stop_all()
        servers.remove_data()


def print_table(engines: dict[str, dict[str, Any]], corpus: CorpusStats) -> None:
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("bulk indexing, docs/s", lambda r: f"{r['bulk']['docs_per_second']:.0f}"),
        ("  wall s", lambda r: f"{r['bulk']['seconds']:.0f}"),
        ("  CPU s, bench process", lambda r: f"{r['bulk']['cpu_seconds_bench_process']:.0f}"),
        ("  CPU s, server", lambda r: f"{r['bulk']['cpu_seconds_server']:.0f}"),
        ("search p50 ms (all)", lambda r: f"{r['search']['all']['p50_ms']:.1f}"),
        ("search p95 ms (all)", lambda r: f"{r['search']['all']['p95_ms']:.1f}"),
    ]
    for category in next(iter(engines.values()))["search"]["by_category"]:

        def both(result: dict[str, Any], category: str = category) -> str:
            found = result["search"]["by_category"][category]
            return f"{found['p50_ms']:.1f}/{found['p95_ms']:.1f}"

        rows.append((f"  {category} p50/p95", both))
    rows += [
        ("single upsert p50/p95 ms",
         lambda r: f"{r['single_upsert']['p50_ms']:.0f}/{r['single_upsert']['p95_ms']:.0f}"),
        ("index on disk MB", lambda r: f"{r['disk']['index_bytes'] / 1e6:.0f}"),
    ]  # fmt: skip
    names = list(engines)
    print(f"\n{corpus.docs} records, {corpus.pages} pages, {corpus.text_bytes / 1e6:.0f} MB text")
    print(f"{'':30}" + "".join(f"{n:>16}" for n in names))
    for label, fmt in rows:
        print(f"{label:30}" + "".join(f"{fmt(engines[n]):>16}" for n in names))


def write_part(path: Path, part: str, value: dict[str, Any]) -> None:
    """Replace one part (``index`` or ``ingest``) and keep the other's last figures."""
    report = json.loads(path.read_text()) if path.exists() else {}
    report[part] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def export_commit(revision: str, into: Path) -> str:
    """Unpack REVISION's tree (``git archive``): the product measured is then exactly a
    commit, whatever is being edited in the working tree meanwhile."""
    git = ["git", "-C", str(ROOT)]
    sha = subprocess.run([*git, "rev-parse", "--verify", f"{revision}^{{commit}}"],
                         check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    into.mkdir(parents=True)
    archive = subprocess.Popen([*git, "archive", "--format=tar", sha], stdout=subprocess.PIPE)
    assert archive.stdout is not None
    with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
        tar.extractall(into, filter="data")
    if archive.wait() != 0:
        raise SystemExit(f"git archive {sha} failed")
    return sha


def source_state() -> dict[str, Any]:
    """Which code was measured: the commit, and the files that differed from it."""
    if pinned := os.environ.get(PINNED):
        return {"commit": pinned}
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)
    changed = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"],
                             capture_output=True, text=True)  # fmt: skip
    files = [line[3:] for line in changed.stdout.splitlines()]
    return {"commit": head.stdout.strip(), "working_tree_changes": files}


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * PAGE_BYTES / 2**30, 1),
        "loadavg": os.getloadavg(),
    }


def run_on_commit(revision: str, argv: list[str]) -> int:
    """Run this script again with the product's packages from REVISION's tree first on
    the path (``bench.scale`` still comes from here: ``bench`` is a namespace package)."""
    with tempfile.TemporaryDirectory(prefix="eakte-scale-source-") as tmp:
        sha = export_commit(revision, Path(tmp) / "source")
        print(f"measuring commit {sha[:12]}", flush=True)
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "source"), PINNED: sha}
        return subprocess.run([sys.executable, __file__, *argv], env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rounds", type=int, default=10, help="timed passes over the queries")
    parser.add_argument("--engines", default="tantivy,elasticsearch")
    parser.add_argument("--es-heap", default="512m", help="JVM heap of the benchmark's ES")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workdir", type=Path, help="parent of the temp dir (default /tmp)")
    parser.add_argument(
        "--quiet-wait", type=float, default=300, help="max s to wait for an idle machine"
    )
    parser.add_argument(
        "--commit", help="measure this commit (git archive + PYTHONPATH), not the working tree"
    )
    parser.add_argument("--ingest", action="store_true", help="run bench/scale/workers.py")
    args, rest = parser.parse_known_args(argv)
    if args.ingest:
        from bench.scale import workers

        forwarded = ["--out", str(args.out), "--quiet-wait", str(args.quiet_wait)]
        forwarded += ["--commit", args.commit] if args.commit else []
        return workers.main([*rest, *forwarded])
    if rest:
        parser.error(f"unknown arguments: {rest}")
    if args.commit and not os.environ.get(PINNED):
        return run_on_commit(args.commit, argv if argv is not None else sys.argv[1:])
    names = [n.strip() for n in args.engines.split(",") if n.strip()]

    began = time.perf_counter()
    records = list(RecordGenerator(args.seed).records(args.docs + SINGLE_UPSERTS))
    corpus = describe(records[: args.docs])
    docs = [r.doc for r in records[: args.docs]]
    extra = [r.doc for r in records[args.docs :]]  # new records for the single upserts
    del records
    generated = time.perf_counter() - began
    print(f"generated {len(docs)} records in {generated:.0f} s", flush=True)
    queries = make_queries(docs)

    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="eakte-scale-", dir=args.workdir) as tmp:
        work = Path(tmp)
        for name in names:
            if name == "tantivy":
                engine = tantivy_engine(work)
                results[name] = bench_engine(
                    engine, docs, extra, queries, args.rounds, args.quiet_wait
                )
            elif name == "elasticsearch":
                with elasticsearch_engine(work, args.es_heap) as server:
                    results[name] = bench_engine(
                        server, docs, extra, queries, args.rounds, args.quiet_wait
                    )
            else:
                parser.error(f"unknown engine {name}")

    mismatches = []
    if len(results) > 1:
        for i, query in enumerate(queries):
            totals = {name: r["queries"][i]["total"] for name, r in results.items()}
            if len(set(totals.values())) > 1:
                mismatches.append({"query": query.label, **totals})
    write_part(
        args.out,
        "index",
        {
            "command": "bench/scale/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "machine": machine(),
            "source": source_state(),
            "corpus": {**asdict(corpus), "seed": args.seed, "generation_seconds": round(generated)},
            "search_settings": {"limit": LIMIT, "rounds": args.rounds,
                                "warm_up_rounds": WARM_UP_ROUNDS, "snippets": True},
            "engines": results,
            "total_mismatches": mismatches,
        },
    )  # fmt: skip
    print_table(results, corpus)
    if mismatches:
        print(f"engines disagree on the number of hits of {len(mismatches)} queries: {mismatches}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
