"""Time to build evidence records (RFC 4998) over 10,000 and 100,000 document hashes:
the hash tree, one timestamp from a local RFC 3161 TSA (the test PKI's, over HTTP in
this process), and every document's record encoded (DER), as `eakte beweis erstellen`
does before writing them to the store. Medians of --repeat runs.

    PYTHONPATH=$PWD .venv/bin/python -m bench.akte.evidence [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from evidence import record as ers
from evidence.tree import HashTree
from evidence.tsa import HttpTimeStamper
from samples.pki import build_test_pki
from samples.pki_server import free_port, serve_pki

ROOT = Path(__file__).resolve().parents[2]


def run(size: int, stamper: HttpTimeStamper) -> dict[str, float]:
    leaves = [os.urandom(32) for _ in range(size)]
    began = time.perf_counter()
    tree = HashTree.build(leaves)
    tree.paths()
    tree_done = time.perf_counter()
    stamper.stamp(tree.root, "sha256")
    stamp_done = time.perf_counter()
    # what `eakte beweis erstellen` computes: tree, timestamp and every record's DER
    _, records = ers.create(leaves, stamper)
    size_bytes = sum(len(r.dump()) for r in records.values())
    done = time.perf_counter()
    return {
        "tree_and_paths_seconds": tree_done - began,
        "timestamp_seconds": stamp_done - tree_done,
        "evidence_records_total_seconds": done - stamp_done,
        "record_bytes_mean": size_bytes / size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/akte_evidence.json")
    args = parser.parse_args()
    result: dict[str, object] = {"repeat": args.repeat}
    with tempfile.TemporaryDirectory() as folder:
        pki = build_test_pki(Path(folder), port=free_port())
        with serve_pki(pki) as base_url:
            stamper = HttpTimeStamper(f"{base_url}/tsa")
            for size in args.sizes:
                runs = [run(size, stamper) for _ in range(args.repeat)]
                result[str(size)] = {
                    key: round(statistics.median(r[key] for r in runs), 4) for key in runs[0]
                }
    result["machine"] = {"python": platform.python_version(), "processor": platform.machine()}
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
