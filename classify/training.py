"""Where training examples come from, and turning them into a linear head.

Three sources: a folder with one subfolder per type or a CSV of ``path,type`` (what an
office collects), the generated letters the set-up stored with the default model
(``classify.default_model.stored_corpus``), and the corrections people made (``eakte
correct``), which count extra so that the next model fixes the kind of mistake that was
corrected."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from classify.calibration import UNSEEN, calibrate
from classify.head import LinearHead, fit_head
from classify.types import DocumentTypes
from eakte.errors import ConfigurationError, EakteError, InputRejected, ToolFailed
from eakte.ports import ObjectStore
from eakte.record import Manifest

CORRECTIONS = "training/corrections"
CORRECTION_WEIGHT = 5.0
DEFAULT_MAX_ERROR = 0.05
TEXT_SUFFIXES = {".txt", ".md"}


@dataclass(frozen=True)
class LabeledText:
    text: str
    type_id: str
    source: str  # a path, a record id or a corpus template


def correction_key(record_id: str) -> str:
    return f"{CORRECTIONS}/{record_id}.json"


@dataclass(frozen=True)
class Skipped:
    """A file left out of the training data, and why (German, one line)."""

    path: Path
    reason: str


def read_labeled(
    source: Path, read: Callable[[Path], str] | None = None
) -> tuple[list[LabeledText], list[Skipped]]:
    """``source`` is a folder (one subfolder per type id) or a CSV with ``path,type``;
    ``read`` gives a file's text (the CLI's reads scans as ingest does,
    ``classify.document_text``). A file it cannot read is skipped, the rest is read."""
    if source.is_dir():
        pairs = [
            (path, folder.name)
            for folder in sorted(p for p in source.iterdir() if p.is_dir())
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        ]
    elif source.suffix.lower() == ".csv":
        pairs = list(_csv_pairs(source))
    else:
        raise ConfigurationError(f"{source}: Ordner oder CSV-Datei (Pfad,Typ) erwartet")
    reader = read or _read_text
    examples: list[LabeledText] = []
    skipped: list[Skipped] = []
    for path, type_id in pairs:
        try:
            examples.append(LabeledText(reader(path), type_id, str(path)))
        except (InputRejected, ToolFailed, OSError) as error:
            skipped.append(Skipped(path, _reason(error)))
    return examples, skipped


def _reason(error: EakteError | OSError) -> str:
    if isinstance(error, EakteError):
        return error.message or type(error).__name__
    return f"nicht lesbar ({error.strerror or type(error).__name__})"


def _csv_pairs(source: Path) -> Iterable[tuple[Path, str]]:
    with open(source, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row.get("path") or not row.get("type"):
                raise ConfigurationError(f"{source}: Spalten 'path' und 'type' erwartet")
            path = Path(row["path"])
            yield (path if path.is_absolute() else source.parent / path), row["type"].strip()


def _read_text(path: Path) -> str:
    """Plain text directly; PDFs through their text layer. Without a context to OCR
    with (library use): the CLI passes ``classify.document_text.read_document``."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() == ".pdf":
        from ingest.pdf import read_text_layer

        return "\n\n".join(read_text_layer(path, max_pages=200))
    raise InputRejected(f"{path}: nur .txt und PDF mit Textebene als Trainingsdaten")


def corrected_examples(store: ObjectStore) -> list[LabeledText]:
    """Every record a person corrected, with its corrected type."""
    from eakte.records import load_manifest

    examples = []
    for key in store.list_derived(CORRECTIONS):
        record_id = key.rsplit("/", 1)[-1].removesuffix(".json")
        manifest: Manifest | None = load_manifest(store, record_id)
        if manifest is not None and manifest.classification and manifest.full_text.strip():
            examples.append(
                LabeledText(manifest.full_text, manifest.classification.type, record_id)
            )
    return examples


class Encoding(Protocol):
    version: str
    layers: int
    tuned: str | None
    tuned_sha256: str | None

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class Embedder:
    """Vectors for texts, cached on disk by text hash: retraining after a correction
    reuses the vectors of everything seen before and takes seconds."""

    def __init__(self, encoder: Encoding, cache_file: Path) -> None:
        self.encoder = encoder
        self.cache_file = cache_file
        self._cache: dict[str, np.ndarray] = {}
        if cache_file.is_file():
            with np.load(cache_file) as stored:
                self._cache = {key: stored[key] for key in stored.files}

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}.items()
        )
        if missing:
            fresh = self.encoder.embed([t for _, t in missing])
            self._cache.update({k: fresh[i] for i, (k, _) in enumerate(missing)})
            self._save()
        return np.stack([self._cache[k] for k in keys])

    def _save(self) -> None:
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache_file.with_suffix(".partial.npz")
        np.savez(partial, **self._cache)  # type: ignore[arg-type]
        partial.replace(self.cache_file)


def train_head(
    embedder: Embedder,
    examples: Sequence[LabeledText],
    corrections: Sequence[LabeledText],
    types: DocumentTypes,
    max_error: float | None = DEFAULT_MAX_ERROR,
) -> LinearHead:
    """Fit the head on everything, then calibrate it on held-out folds: temperature,
    and the review threshold that keeps unflagged errors at ``max_error``."""
    known = set(types.ids())
    unknown = sorted({e.type_id for e in [*examples, *corrections]} - known)
    if unknown:
        raise ConfigurationError(
            f"Unbekannte Dokumenttypen in den Trainingsdaten: {', '.join(unknown)}"
        )
    everything = [*examples, *corrections]
    if len({e.type_id for e in everything}) < 2:
        raise ConfigurationError("Zum Training braucht es Beispiele von mindestens zwei Typen")
    texts = [e.text for e in everything]
    labels = [e.type_id for e in everything]
    weights = np.array([1.0] * len(examples) + [CORRECTION_WEIGHT] * len(corrections))
    vectors = embedder.vectors(texts)

    def fit(rows: np.ndarray | None = None) -> LinearHead:
        chosen = np.arange(len(texts)) if rows is None else rows
        return fit_head(
            vectors[chosen],
            [texts[i] for i in chosen],
            [labels[i] for i in chosen],
            encoder=embedder.encoder.version,
            layers=embedder.encoder.layers,
            tuned=embedder.encoder.tuned,
            tuned_sha256=embedder.encoder.tuned_sha256,
            weights=weights[chosen],
            corrections=len(corrections) if rows is None else 0,
        )

    head = fit()

    def held_out_logits(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        fold = fit(train)
        logits = fold.logits(vectors[test], [texts[i] for i in test])
        result = np.repeat(logits.min(axis=1, keepdims=True) - UNSEEN, len(head.types), axis=1)
        for column, type_id in enumerate(head.types):
            if type_id in fold.types:
                result[:, column] = logits[:, fold.types.index(type_id)]
        return result

    # A template (the corpus) or a file (an office's examples) is held out whole
    groups = [e.source for e in everything]
    found = calibrate(labels, head.types, held_out_logits, max_error, groups)
    if found is None:
        return head
    return replace(
        head,
        temperature=found.temperature,
        review_threshold=found.review_threshold,
        calibration={**found.as_json(), "max_error": max_error},
    )
