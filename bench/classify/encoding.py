"""The benchmark's view of the e5 encoder: the product's pooling, with the speed levers
exposed (depth, chunk size, bf16 autocast, threads) and many depths from one pass.

Pooling follows ``classify.encoder.TextEncoder`` exactly: the letter's content
(``classify.letter_content``; ``whole=True`` reads the whole letter, to measure what
that choice is worth), ``query: `` + up to ``chunk_tokens - 2`` ids per chunk, <s> and
</s> around it, mean over the chunk's tokens, then the token-weighted mean of a letter's
chunks, L2-normalised. BERT layers are
post-LayerNorm, so the output of layer N of the full model *is* the output of a model
cut to N layers; one 12-layer pass therefore yields the vectors of every depth.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classify.e5_weights import ensure_converted
from classify.letter_content import letter_content

PREFIX = "query: "
BATCH = 16  # the product's batch of chunks


class BenchEncoder:
    def __init__(
        self,
        cache_dir: Path,
        *,
        layers: int = 12,
        chunk_tokens: int = 256,
        bf16: bool = False,
        threads: int = 2,
        whole: bool = False,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        import transformers
        from transformers import AutoModel, AutoTokenizer

        transformers.utils.logging.set_verbosity_error()
        torch.set_num_threads(threads)
        model_dir = ensure_converted(cache_dir)
        self.torch = torch
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir))
        model: Any = AutoModel.from_pretrained(
            str(model_dir), add_pooling_layer=False, dtype=torch.float32
        )
        model.encoder.layer = model.encoder.layer[:layers]
        self.model = model.eval()
        self.layers = layers
        self.chunk_tokens = chunk_tokens
        self.bf16 = bf16
        self.threads = threads
        self.whole = whole
        self.dimensions = int(model.config.hidden_size)
        self._prefix: list[int] = self.tokenizer(PREFIX.strip(), add_special_tokens=False)[
            "input_ids"
        ]

    def chunks(self, text: str) -> list[list[int]]:
        read = text if self.whole else letter_content(text)
        ids: list[int] = self.tokenizer(" ".join(read.split()), add_special_tokens=False)[
            "input_ids"
        ]
        room = self.chunk_tokens - 2 - len(self._prefix)
        return [self._prefix + ids[i : i + room] for i in range(0, len(ids), room)]

    def batch_tensors(self, chunks: list[list[int]]) -> tuple[Any, Any]:
        torch = self.torch
        tok = self.tokenizer
        width = max(len(c) for c in chunks) + 2
        ids = torch.full((len(chunks), width), tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(chunks), width), dtype=torch.long)
        for row, chunk in enumerate(chunks):
            full = [tok.bos_token_id, *chunk, tok.eos_token_id]
            ids[row, : len(full)] = torch.tensor(full)
            mask[row, : len(full)] = 1
        return ids, mask

    def embed(self, texts: Sequence[str], depths: Sequence[int] = ()) -> dict[int, np.ndarray]:
        """{depth: (len(texts), dim) L2-normalised vectors}; default: this encoder's depth."""
        depths = tuple(depths) or (self.layers,)
        chunks: list[list[int]] = []
        owners: list[int] = []
        for owner, text in enumerate(texts):
            for chunk in self.chunks(text):
                chunks.append(chunk)
                owners.append(owner)
        sums = {d: np.zeros((len(texts), self.dimensions), dtype=np.float32) for d in depths}
        weights = np.zeros(len(texts), dtype=np.float32)
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            pooled = self._encode([chunks[i] for i in batch], depths)
            sizes = np.array([len(chunks[i]) for i in batch], dtype=np.float32)
            rows = np.array([owners[i] for i in batch])
            np.add.at(weights, rows, sizes)
            for depth in depths:
                np.add.at(sums[depth], rows, pooled[depth] * sizes[:, None])
        return {depth: _normalise(sums[depth], weights) for depth in depths}

    def _encode(self, chunks: list[list[int]], depths: Sequence[int]) -> dict[int, np.ndarray]:
        torch = self.torch
        ids, mask = self.batch_tensors(chunks)
        many = depths != (self.layers,)
        with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=self.bf16):
            output = self.model(input_ids=ids, attention_mask=mask, output_hidden_states=many)
        states = output.hidden_states if many else {self.layers: output.last_hidden_state}
        weight = mask.unsqueeze(-1).float()
        return {d: ((states[d].float() * weight).sum(1) / weight.sum(1)).numpy() for d in depths}


def _normalise(sums: np.ndarray, weights: np.ndarray) -> np.ndarray:
    vectors = sums.copy()
    vectors[weights > 0] /= weights[weights > 0, None]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def cached_vectors(
    encoder: BenchEncoder, texts: Sequence[str], depths: Sequence[int], cache_file: Path
) -> tuple[dict[int, np.ndarray], float]:
    """Vectors per depth, cached on disk by (texts, settings); also the seconds spent
    encoding (0 when all came from the cache: the first run's seconds are then stored)."""
    key = hashlib.sha256(
        "\x00".join(
            [*texts, str(encoder.chunk_tokens), str(encoder.bf16), str(encoder.whole)]
        ).encode()
    ).hexdigest()[:16]
    path = cache_file.with_name(f"{cache_file.stem}-{key}.npz")
    if path.is_file():
        with np.load(path) as stored:
            found = {d: stored[f"d{d}"] for d in depths if f"d{d}" in stored.files}
            if len(found) == len(depths):
                return found, float(stored["seconds"])
    start = time.perf_counter()
    vectors = encoder.embed(texts, depths)
    seconds = time.perf_counter() - start
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, seconds=seconds, **{f"d{d}": v for d, v in vectors.items()})
    return vectors, seconds
