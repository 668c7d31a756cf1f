"""The web API under load on loopback: requests/second and latency for search, manifest
reads and original downloads at 1, 8 and 32 concurrent clients over 10,000 Dokumente.

    .venv/bin/python bench/api/run.py [--records 10000] [--seconds 8] [--out bench/results/api.json]

Why: issue 16 asks whether one `eakte serve` process answers a records office fast
enough (goal: search p95 under 100 ms at 8 clients). The Dokumente are generated
(the letter-like German of ``bench/index``), stored and indexed in-process the way
ingest stores them (manifest, original, index document), spread over four departments
with some restricted ones, so every search goes through the access policy as a clerk's
would. The server is the real `eakte serve` (uvicorn, embedded mode: tantivy, file
store, SQLite accounts); the load generator (httpx, asyncio, one process) runs on the
same machine and takes part of its cores: the figures are what one box gives, not the
server alone. Each level runs for a fixed time, never an unbounded number of requests.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.index.run import latency_queries, make_corpus  # noqa: E402
from eakte import records  # noqa: E402
from eakte.indexing import index_document  # noqa: E402
from eakte.ports import IndexDocument  # noqa: E402
from eakte.record import Classification, Manifest, PageText  # noqa: E402

RESULT = ROOT / "bench" / "results" / "api.json"
DEPARTMENTS = ("bauamt", "kaemmerei", "ordnungsamt", "rechtsamt")
RESTRICTED_SHARE = 0.05
CLIENTS = (1, 8, 32)
BATCH = 500
START_SECONDS = 120
Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def seed_records(data_dir: Path, count: int) -> dict[str, list[str]]:
    """``count`` stored, indexed Dokumente; returns record ids by department."""
    os.environ["EAKTE_DATA_DIR"] = str(data_dir)
    from eakte.settings import load_settings
    from eakte.wiring import build_context

    ctx = build_context(load_settings())
    rng = random.Random(16)
    by_department: dict[str, list[str]] = {d: [] for d in DEPARTMENTS}
    documents, _ = make_corpus(count)
    batch: list[IndexDocument] = []
    for number, generated in enumerate(documents):
        original = generated.text.encode("utf-8")
        stored = ctx.store.put_original(io.BytesIO(original))
        department = DEPARTMENTS[number % len(DEPARTMENTS)]
        manifest = Manifest(
            id=stored.sha256,
            sha256=stored.sha256,
            size=stored.size,
            original_filename=generated.title,
            media_type="text/plain",
            page_count=1,
            pages=[PageText(number=1, text=generated.text, source="text_layer")],
            classification=Classification(
                type=generated.doc_type or "sonstiges",
                label=generated.doc_type or "Sonstiges",
                confidence=0.9,
            ),
            assigned_department=department,
            restricted=rng.random() < RESTRICTED_SHARE,
        )
        records.save_manifest(ctx.store, manifest)
        batch.append(index_document(manifest))
        if not manifest.restricted:
            by_department[department].append(manifest.id)
        if len(batch) >= BATCH:
            ctx.index.upsert(batch)
            batch = []
    ctx.index.upsert(batch)
    ctx.index.close()
    return by_department


def add_user(env: dict[str, str], name: str, role: str, department: str | None) -> str:
    args = ["--department", department] if department else []
    done = subprocess.run(
        [sys.executable, "-m", "eakte", "users", "add", name, "--role", role, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "eakte", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=output)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"eakte serve exited:\n{log.read_text(errors='replace')}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"eakte serve did not listen within {START_SECONDS} s")


def server_cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU of the server processes so far (Linux ``/proc``): per request,
    the one figure here that other jobs on the machine do not move."""
    total = 0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    except OSError:
        return None
    return total / os.sysconf("SC_CLK_TCK")


async def load(
    bases: list[str],
    token: str,
    request: Request,
    clients: int,
    seconds: float,
    pids: list[int] | None = None,
) -> dict[str, Any]:
    """``clients`` loops sending ``request`` until the time is up; latency per answer.
    With several servers each client keeps to one (as a proxy's sticky balancing)."""
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    sessions = [httpx.AsyncClient(base_url=base, headers=headers, limits=limits) for base in bases]
    deadline = time.perf_counter() + seconds

    async def loop(client: httpx.AsyncClient) -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            response = await request(client)
            latencies.append(time.perf_counter() - began)
            failures += response.status_code != 200

    cpu_before = server_cpu_seconds(pids or [])
    began = time.perf_counter()
    await asyncio.gather(*(loop(sessions[n % len(sessions)]) for n in range(clients)))
    wall = time.perf_counter() - began
    cpu_after = server_cpu_seconds(pids or [])
    for session in sessions:
        await session.aclose()
    ordered = sorted(latencies)

    def ms(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        "clients": clients,
        "requests": len(latencies),
        "failed": failures,
        "requests_per_second": round(len(latencies) / wall, 1),
        "p50_ms": ms(0.50),
        "p95_ms": ms(0.95),
        "p99_ms": ms(0.99),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1),
        "server_cpu_ms_per_request": (
            round(1000 * (cpu_after - cpu_before) / len(latencies), 2)
            if pids and cpu_before is not None and cpu_after is not None
            else None
        ),
    }


def requests_of(ids: list[str], queries: list[str]) -> dict[str, Request]:
    rng = random.Random(7)

    async def search(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get("/api/search", params={"q": rng.choice(queries), "limit": 10})

    async def manifest(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(f"/api/records/{rng.choice(ids)}")

    async def original(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(f"/api/records/{rng.choice(ids)}/original")

    return {"search": search, "manifest": manifest, "original": original}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=8.0, help="per kind and level")
    parser.add_argument("--out", type=Path, default=RESULT)
    parser.add_argument(
        "--servers", type=int, default=1, help="eakte serve processes (as behind a proxy)"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="eakte-bench-api-"))
    data = work / "data"
    began = time.perf_counter()
    by_department = seed_records(data, args.records)
    seeded = time.perf_counter() - began
    print(f"{args.records} Dokumente gespeichert und indiziert in {seeded:.0f} s", file=sys.stderr)
    env = {
        **os.environ,
        "EAKTE_DATA_DIR": str(data),
        "EAKTE_MODEL_CACHE_DIR": str(work / "no-models"),
        "EAKTE_AUTH_FAILURES_PER_MINUTE": "100000",
        "TMPDIR": str(work),
    }
    token = add_user(env, "bench-bau", "clerk", DEPARTMENTS[0])
    ports = [20000 + random.randrange(20000) + n for n in range(args.servers)]
    servers = [start_server(env, port, work / f"server-{port}.log") for port in ports]
    queries = latency_queries(random.Random(3), 500)
    requests = requests_of(by_department[DEPARTMENTS[0]], queries)
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        pids = [server.pid for server in servers]
        for kind, request in requests.items():
            asyncio.run(load(bases, token, request, len(bases), 1.0))  # warm-up, not kept
            results[kind] = [
                asyncio.run(load(bases, token, request, clients, args.seconds, pids))
                for clients in CLIENTS
            ]
            for row in results[kind]:
                print(
                    f"{kind:9} {row['clients']:3} clients  {row['requests_per_second']:7.1f}/s"
                    f"  p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms"
                    f"  server CPU {row['server_cpu_ms_per_request']} ms/request"
                    f"  failed {row['failed']}",
                    file=sys.stderr,
                )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    load_average = os.getloadavg()
    report = {
        "what": "eakte serve (embedded: tantivy, file store, SQLite) under a loopback load "
        "generator on the same machine; search and reads as a clerk of one department",
        "records": args.records,
        "servers": args.servers,
        "visible_to_the_clerk": len(by_department[DEPARTMENTS[0]]),
        "seconds_per_level": args.seconds,
        "seed_seconds": round(seeded, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1_5_15_min_at_end": [round(x, 2) for x in load_average],
        },
        "goal": "search p95 under 100 ms at 8 clients",
        "goal_met": next(r for r in results["search"] if r["clients"] == 8)["p95_ms"] < 100,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"written: {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
