"""Inference speed of the encoder on one-page letters: whole letters, batched as the
product batches them, median over repeated runs, with the load average of each run."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.classify.encoding import BenchEncoder


def measure(
    cache_dir: Path,
    letters: Sequence[str],
    *,
    layers: int,
    chunk_tokens: int,
    bf16: bool,
    threads: int,
    repeat: int,
) -> dict[str, Any]:
    encoder = BenchEncoder(
        cache_dir, layers=layers, chunk_tokens=chunk_tokens, bf16=bf16, threads=threads
    )
    tokens = sum(len(c) + 2 for text in letters for c in encoder.chunks(text))
    encoder.embed(letters[:4])  # warm-up: first-call allocations and kernel selection
    runs, loads = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        encoder.embed(letters)
        runs.append(time.perf_counter() - start)
        loads.append(round(os.getloadavg()[0], 2))
    median = statistics.median(runs)
    return {
        "layers": layers,
        "chunk_tokens": chunk_tokens,
        "bf16": bf16,
        "threads": threads,
        "letters": len(letters),
        "tokens": tokens,
        "seconds_runs": [round(r, 3) for r in runs],
        "letters_per_s": round(len(letters) / median, 2),
        "tokens_per_s": round(tokens / median, 1),
        "loadavg_1min_per_run": loads,
    }


def setting_name(layers: int, chunk_tokens: int, bf16: bool) -> str:
    return f"{'bf16' if bf16 else 'fp32'}-c{chunk_tokens}-l{layers}"
