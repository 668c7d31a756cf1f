"""The classifier as the pipeline sees it (the ``Classifier`` port): the current head
from the store, or the default model the set-up trained, over the transformer encoder.

Both are loaded on first use, so commands that never classify do not pay for torch."""

from __future__ import annotations

import threading
from pathlib import Path

from classify.encoder import TextEncoder
from classify.head import LinearHead
from eakte.errors import ModelMissing
from eakte.ports import ObjectStore, Prediction
from eakte.settings import Settings

CURRENT = "models/classifier/current.json"
ALTERNATIVES = 3


def version_key(version: str) -> str:
    return f"models/classifier/versions/{version}.json"


def default_model_file(settings: Settings) -> Path:
    """Trained by the set-up on the generated corpus (`eakte train --default`)."""
    return settings.model_cache_dir / "default-classifier.json"


def embedding_cache_file(settings: Settings, encoder_version: str) -> Path:
    return settings.model_cache_dir / "embeddings" / f"{encoder_version}.npz"


def save_head(store: ObjectStore, head: LinearHead) -> None:
    """Each version is kept; ``current`` names the one in use (atomic replace)."""
    data = head.to_json()
    store.put_derived(version_key(head.version), data)
    store.put_derived(CURRENT, data)


def load_head(settings: Settings, store: ObjectStore) -> LinearHead:
    data = store.get_derived(CURRENT)
    if data is None and default_model_file(settings).is_file():
        data = default_model_file(settings).read_bytes()
    if data is None:
        raise ModelMissing(
            "Noch kein Klassifikationsmodell trainiert: `eakte train --default` "
            "(erzeugter Beispielkorpus) oder `eakte train --data ORDNER` ausführen"
        )
    return LinearHead.from_json(data)


class TransformerClassifier:
    """Multilingual encoder (fine-tuned or frozen) + linear head; thread-safe lazy loading."""

    def __init__(self, settings: Settings, store: ObjectStore) -> None:
        self.settings = settings
        self.store = store
        self._lock = threading.Lock()
        self._head: LinearHead | None = None
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
            head = self._head
        return head, self.encoder(head.layers, head.tuned)

    def _threads(self) -> int:
        return self.settings.classifier_threads
