"""Inference speed of the encoder on one-page letters: every chunk of what the encoder
reads, batched as the product batches them, median over repeated runs, with the load
average of each run."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.classify.encoding import BenchEncoder


def median_rate(run: Callable[[], object], letters: int, repeat: int) -> dict[str, Any]:
    """Warm up once, then time ``run`` ``repeat`` times."""
    run()  # first-call allocations and kernel selection
    runs, loads = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        runs.append(time.perf_counter() - start)
        loads.append(round(os.getloadavg()[0], 2))
    median = statistics.median(runs)
    return {
        "seconds_runs": [round(r, 3) for r in runs],
        "median_seconds": round(median, 4),
        "letters_per_s": round(letters / median, 2),
        "loadavg_1min_per_run": loads,
    }


def measure(
    cache_dir: Path,
    letters: Sequence[str],
    *,
    layers: int,
    chunk_tokens: int,
    bf16: bool,
    threads: int,
    repeat: int,
    whole: bool = False,
) -> dict[str, Any]:
    encoder = BenchEncoder(
        cache_dir,
        layers=layers,
        chunk_tokens=chunk_tokens,
        bf16=bf16,
        threads=threads,
        whole=whole,
    )
    tokens = sum(len(c) + 2 for text in letters for c in encoder.chunks(text))
    result = median_rate(lambda: encoder.embed(letters), len(letters), repeat)
    return {
        "layers": layers,
        "chunk_tokens": chunk_tokens,
        "bf16": bf16,
        "threads": threads,
        "whole_letter": whole,
        "letters": len(letters),
        "tokens": tokens,
        **result,
        "tokens_per_s": round(tokens / result["median_seconds"], 1),
    }


def setting_name(layers: int, chunk_tokens: int, bf16: bool, whole: bool = False) -> str:
    return f"{'bf16' if bf16 else 'fp32'}-c{chunk_tokens}-l{layers}" + ("-whole" if whole else "")
