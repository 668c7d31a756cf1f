"""The classifier as the pipeline sees it (the ``Classifier`` port): the current head
from the store, or the default model the set-up trained, over the transformer encoder.

Both are loaded on first use, so commands that never classify do not pay for torch."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from classify.e5_weights import encoder_id
from classify.encoder import TextEncoder, file_sha256, tuned_file
from classify.head import LinearHead
from eakte.errors import ModelMissing
from eakte.health import Probe, probe_errors
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


def current_head_data(settings: Settings, store: ObjectStore) -> tuple[bool, bytes] | None:
    """The head in use as stored: the one `eakte train` put into the store (True), else
    the default model of the set-up (False); None without either."""
    data = store.get_derived(CURRENT)
    if data is not None:
        return True, data
    if default_model_file(settings).is_file():
        return False, default_model_file(settings).read_bytes()
    return None


def load_head(settings: Settings, store: ObjectStore) -> LinearHead:
    found = current_head_data(settings, store)
    if found is None:
        raise ModelMissing(
            "Noch kein Klassifikationsmodell trainiert: die Einrichtung "
            "(`python -m samples.default_model` im Quellcode) oder "
            "`eakte train --data ORDNER` ausführen"
        )
    return LinearHead.from_json(found[1])


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
            review_threshold=head.review_threshold,
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

    @probe_errors("Klassifikator", required=False)
    def health(self) -> list[Probe]:
        """Which model classifies (trained into the store, else the set-up's default),
        its version and types, and whether the encoder it was trained on is here. Reads
        the files only: torch is not loaded to answer. Optional: without a model records
        are stored without a type."""
        found = current_head_data(self.settings, self.store)
        if found is None:
            return [
                Probe(
                    "Klassifikator",
                    False,
                    f"kein Modell (weder im Speicher noch in {self.settings.model_cache_dir}); "
                    "Dokumenttypen bleiben leer",
                    "`eakte train` oder die Einrichtung ausführen "
                    "(python -m samples.default_model im Quellcode)",
                    required=False,
                )
            ]
        trained, data = found
        head = LinearHead.from_json(data)
        source = "trainiertes Modell" if trained else "Standardmodell"
        detail = f"{source} {head.version}, {len(head.types)} Dokumenttypen"
        detail += f", {head.examples} Beispiele" + (
            f" ({head.corrections} Korrekturen)" if head.corrections else ""
        )
        probes = [Probe("Klassifikator", True, detail, required=False)]
        if not trained:
            probes.append(self._default_stamp_probe())
        return [*probes, self._encoder_probe(head)]

    def _default_stamp_probe(self) -> Probe:
        from classify.default_model import corpus_file, stamp

        marker = default_model_file(self.settings).with_suffix(".stamp")
        made = marker.read_text().strip() if marker.is_file() else "unbekannt"
        stored = corpus_file(self.settings)
        corpus = json.loads(stored.read_bytes())["version"] if stored.is_file() else "?"
        wanted = stamp(self.settings, str(corpus))
        if made == wanted:
            return Probe("Standardmodell", True, f"Stand {made}, passt zu Code und Einstellungen")
        return Probe(
            "Standardmodell",
            False,
            f"Stand {made}, dieser Code und diese Einstellungen trainieren Stand {wanted}",
            "Set-up erneut ausführen (python -m samples.default_model im Quellcode)",
            required=False,
        )

    def _encoder_probe(self, head: LinearHead) -> Probe:
        """The converted encoder the head's vectors came from, and its tuned weights."""
        installed = encoder_id()
        if not head.encoder.startswith(installed):
            return Probe(
                "Sprachmodell",
                False,
                f"Modell mit {head.encoder} trainiert, installiert ist {installed}",
                "`eakte train` erneut ausführen",
                required=False,
            )
        converted = (self.settings.model_cache_dir / installed / "config.json").is_file()
        detail = f"{installed}, {head.layers} Schichten" + (
            "" if converted else ", wird bei der ersten Klassifikation umgewandelt (~10 s)"
        )
        if head.tuned is None or head.tuned_sha256 is None:
            return Probe("Sprachmodell", True, detail + ", nicht feinabgestimmt", required=False)
        cache = self.settings.model_cache_dir
        for name in (head.tuned, f"{head.tuned}-{head.tuned_sha256[:16]}"):
            path = tuned_file(cache, name)
            if path.is_file() and file_sha256(path) == head.tuned_sha256:
                return Probe(
                    "Sprachmodell", True, f"{detail}, feinabgestimmt ({name})", required=False
                )
        if tuned_key(head.tuned_sha256) in set(self.store.list_derived("models/encoders")):
            detail += f", feinabgestimmt ({head.tuned}, Gewichte kommen aus dem Speicher)"
            return Probe("Sprachmodell", True, detail, required=False)
        return Probe(
            "Sprachmodell",
            False,
            f"{detail}: Gewichte des feinabgestimmten Sprachmodells {head.tuned} fehlen",
            "`eakte train` erneut ausführen",
            required=False,
        )

    def _threads(self) -> int:
        return self.settings.classifier_threads
