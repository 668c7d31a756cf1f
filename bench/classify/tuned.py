"""Option (b) as the product runs it: ``classify.fine_tuning`` tunes the encoder on the
train split, then ``classify.encoder.TextEncoder`` reads every letter of the pool with
the tuned weights; the linear heads over those vectors are fitted like the frozen ones.

The tuned vectors of the train letters come from an encoder that saw those letters, so
cross-validation on train would choose hyperparameters on leaked data; the tuned
systems therefore use the product's fixed ones (``classify.head``)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.classify.speed import median_rate
from classify.encoder import TextEncoder
from classify.fine_tuning import EPOCHS, fine_tune


def tune_and_embed(
    cache_dir: Path,
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    pool_texts: Sequence[str],
    *,
    layers: int,
    name: str,
    seed: int,
    log: Any,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Tuned vectors of all pool letters, and the seconds tuning and reading took."""
    encoder = TextEncoder(cache_dir, layers=layers)
    log(f"fine-tuning {layers} layers on {len(train_texts)} letters, {EPOCHS} passes")
    start = time.perf_counter()
    fine_tune(
        encoder, train_texts, train_labels, name=name, cache_dir=cache_dir, seed=seed, progress=log
    )
    tune_seconds = time.perf_counter() - start
    tuned = TextEncoder(cache_dir, tuned=name)
    start = time.perf_counter()
    vectors = tuned.embed(pool_texts)
    embed_seconds = time.perf_counter() - start
    share = len(train_texts) / len(pool_texts)
    return vectors, {
        "layers": tuned.layers,
        "epochs": EPOCHS,
        "tune_seconds": round(tune_seconds, 1),
        "embed_train_seconds": round(embed_seconds * share, 1),
        "encoder": tuned.version,
    }


def tuned_speed(cache_dir: Path, name: str, letters: Sequence[str], repeat: int) -> dict[str, Any]:
    """The product's encoder on the one-page letters: what ``eakte classify`` runs."""
    encoder = TextEncoder(cache_dir, tuned=name)
    chunks, _ = encoder.read(letters)
    result = median_rate(lambda: encoder.embed(letters), len(letters), repeat)
    tokens = sum(len(c) + 2 for c in chunks)
    return {
        "layers": encoder.layers,
        "chunk_tokens": 256,
        "bf16": encoder.bf16,
        "threads": 2,
        "letters": len(letters),
        "tokens": tokens,
        **result,
        "tokens_per_s": round(tokens / result["median_seconds"], 1),
    }
