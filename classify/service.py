"""The classifier as the pipeline sees it (the ``Classifier`` port): the current head
from the store, or the default model the set-up trained, over the transformer encoder.

Both are loaded on first use, so commands that never classify do not pay for torch."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from classify.encoder import TextEncoder, file_sha256, tuned_file
from classify.head import LinearHead
from eakte.errors import ModelMissing
from eakte.ports import ObjectStore, Prediction
from eakte.settings import Settings

CURRENT = "models/classifier/current.json"
ALTERNATIVES = 3


def version_key(version: str) -> str:
    return f"models/classifier/versions/{version}.json"


def default_model_file(settings: Settings) -> Path:
    """Trained by the set-up on the generated corpus (``python -m samples.default_model``)."""
    return settings.model_cache_dir / "default-classifier.json"


def embedding_cache_file(settings: Settings, encoder_version: str) -> Path:
    return settings.model_cache_dir / "embeddings" / f"{encoder_version}.npz"


def tuned_key(sha256: str) -> str:
    return f"models/encoders/{sha256}.safetensors"


def save_head(store: ObjectStore, head: LinearHead, settings: Settings) -> None:
    """Each version is kept; ``current`` names the one in use (atomic replace). The
    tuned encoder's weights go along (once, by content), so that every worker applies
    the head to the very weights it was trained on, not to its own set-up's tuning."""
    if head.tuned and head.tuned_sha256:
        key = tuned_key(head.tuned_sha256)
        if key not in set(store.list_derived("models/encoders")):
            store.put_derived(key, tuned_file(settings.model_cache_dir, head.tuned).read_bytes())
    data = head.to_json()
    store.put_derived(version_key(head.version), data)
    store.put_derived(CURRENT, data)


def local_tuned(settings: Settings, store: ObjectStore, head: LinearHead) -> str | None:
    """The name of the head's tuned encoder in this machine's cache: its own set-up's
    file when the weights are the same, else a copy fetched from the store."""
    if head.tuned is None or head.tuned_sha256 is None:
        return head.tuned
    cache = settings.model_cache_dir
    for name in (head.tuned, f"{head.tuned}-{head.tuned_sha256[:16]}"):
        path = tuned_file(cache, name)
        if path.is_file() and file_sha256(path) == head.tuned_sha256:
            return name
    data = store.get_derived(tuned_key(head.tuned_sha256))
    if data is None or hashlib.sha256(data).hexdigest() != head.tuned_sha256:
        raise ModelMissing(
            f"Die Gewichte des Sprachmodells {head.tuned} fehlen im Speicher: "
            "`eakte train` erneut ausführen"
        )
    name = f"{head.tuned}-{head.tuned_sha256[:16]}"
    path = tuned_file(cache, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(path)
    return name


def load_head(settings: Settings, store: ObjectStore) -> LinearHead:
    data = store.get_derived(CURRENT)
    if data is None and default_model_file(settings).is_file():
        data = default_model_file(settings).read_bytes()
    if data is None:
        raise ModelMissing(
            "Noch kein Klassifikationsmodell trainiert: die Einrichtung "
            "(`python -m samples.default_model` im Quellcode) oder "
            "`eakte train --data ORDNER` ausführen"
        )
    return LinearHead.from_json(data)


class TransformerClassifier:
    """Multilingual encoder (fine-tuned or frozen) + linear head; thread-safe lazy loading."""

    def __init__(self, settings: Settings, store: ObjectStore) -> None:
        self.settings = settings
        self.store = store
        self._lock = threading.Lock()
        self._head: LinearHead | None = None
        self._tuned: str | None = None
        self._encoder: TextEncoder | None = None

    def predict(self, text: str) -> Prediction:
        head, encoder = self._loaded()
        probabilities = head.probabilities(encoder.embed([text]), [text])[0]
        ranked = sorted(zip(head.types, probabilities, strict=True), key=lambda p: -p[1])
        best, confidence = ranked[0]
        return Prediction(
            type=best,
            confidence=float(confidence),
            alternatives=[(t, float(p)) for t, p in ranked[1 : 1 + ALTERNATIVES]],
            model_version=f"{head.version} ({head.encoder})",
        )

    def encoder(self, layers: int, tuned: str | None) -> TextEncoder:
        """The encoder a head was trained on: its depth and, if any, its tuned weights."""
        with self._lock:
            loaded = self._encoder
            if loaded is None or (loaded.layers, loaded.tuned) != (layers, tuned):
                loaded = self._encoder = TextEncoder(
                    self.settings.model_cache_dir,
                    layers=layers,
                    threads=self._threads(),
                    bf16=self.settings.classifier_bf16,
                    tuned=tuned,
                )
            return loaded

    def reload(self) -> None:
        """Pick up a newly trained head (after `eakte train`)."""
        with self._lock:
            self._head = None

    def _loaded(self) -> tuple[LinearHead, TextEncoder]:
        with self._lock:
            if self._head is None:
                self._head = load_head(self.settings, self.store)
                self._tuned = local_tuned(self.settings, self.store, self._head)
            head, tuned = self._head, self._tuned
        return head, self.encoder(head.layers, tuned)

    def _threads(self) -> int:
        return self.settings.classifier_threads
