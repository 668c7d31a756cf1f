"""The transformer text encoder: whole letters in, one vector per letter out.

Letters are longer than the model's window, so each is cut into token chunks of
``CHUNK_TOKENS``; the letter's vector is the token-weighted mean of its chunks' mean-pooled
vectors. Nothing is truncated, so a type given away on page two still counts. Chunks of
all letters in a call are batched by length to waste little work on padding.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classify.e5_weights import encoder_id, ensure_converted

CHUNK_TOKENS = 254  # + <s> and </s> = 256, the window the benchmark measured
BATCH = 16
PREFIX = "query: "  # e5 was trained with it; the model card advises it for classification


class TextEncoder:
    """multilingual-e5-small on CPU, loaded from the model cache with the hub off.

    ``layers`` keeps only the first N transformer layers: the linear head is trained on
    the same depth, and fewer layers read letters proportionally faster; with the
    TF-IDF half of the head, six layers scored as well as twelve (``bench/classify``)."""

    def __init__(
        self, cache_dir: Path, *, layers: int | None = None, threads: int = 2, bf16: bool = True
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a model hub is never contacted
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import torch
        import transformers
        from transformers import AutoModel, AutoTokenizer

        transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        transformers.utils.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        torch.set_num_threads(threads)
        model_dir = ensure_converted(cache_dir)
        self._torch = torch
        self._tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir))
        model: Any = AutoModel.from_pretrained(
            str(model_dir), add_pooling_layer=False, dtype=torch.float32
        )
        total = len(model.encoder.layer)
        self.layers = min(layers or total, total)
        model.encoder.layer = model.encoder.layer[: self.layers]
        self._model = model.eval()
        self.bf16 = bf16
        self.version = f"{encoder_id()}-l{self.layers}" + ("-bf16" if bf16 else "")
        self.dimensions = int(model.config.hidden_size)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised vector per text (zeros for an empty text)."""
        chunks: list[list[int]] = []
        owners: list[int] = []
        for owner, text in enumerate(texts):
            for chunk in self._chunks(text):
                chunks.append(chunk)
                owners.append(owner)
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        weights = np.zeros(len(texts), dtype=np.float32)
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            pooled = self._encode([chunks[i] for i in batch])
            for row, index in enumerate(batch):
                size = len(chunks[index])
                vectors[owners[index]] += pooled[row] * size
                weights[owners[index]] += size
        vectors[weights > 0] /= weights[weights > 0, None]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: np.ndarray = np.divide(
            vectors, norms, out=np.zeros_like(vectors), where=norms > 0
        )
        return normalised

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    def _chunks(self, text: str) -> list[list[int]]:
        ids: list[int] = self._tokenizer(" ".join(text.split()), add_special_tokens=False)[
            "input_ids"
        ]
        prefix: list[int] = self._tokenizer(PREFIX.strip(), add_special_tokens=False)["input_ids"]
        room = CHUNK_TOKENS - len(prefix)
        return [prefix + ids[i : i + room] for i in range(0, len(ids), room)]

    def _encode(self, chunks: list[list[int]]) -> np.ndarray:
        torch = self._torch
        bos, eos = self._tokenizer.bos_token_id, self._tokenizer.eos_token_id
        pad = self._tokenizer.pad_token_id
        width = max(len(c) for c in chunks) + 2
        ids = torch.full((len(chunks), width), pad, dtype=torch.long)
        mask = torch.zeros((len(chunks), width), dtype=torch.long)
        for row, chunk in enumerate(chunks):
            full = [bos, *chunk, eos]
            ids[row, : len(full)] = torch.tensor(full)
            mask[row, : len(full)] = 1
        # bfloat16 matrix products: 2.3x the letters per second on this machine's AVX-512
        # BF16 cores at the same macro-F1 (bench/classify)
        with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=self.bf16):
            hidden = self._model(input_ids=ids, attention_mask=mask).last_hidden_state.float()
        weights = mask.unsqueeze(-1).float()
        pooled = (hidden * weights).sum(1) / weights.sum(1)
        return pooled.numpy()  # type: ignore[no-any-return]
