"""Builds the default classification model from the generated corpus, so a fresh
installation classifies without anyone training first. It runs at set-up from a source
checkout (scripts/setup.sh) and in the image's build stage (Dockerfile), which keeps
only the model directory: the corpus generator is not part of the product.

    python -m samples.default_model

generates the letters (``samples.corpus``), stores them in the model cache (the product
trains and evaluates on them there: ``classify.default_model.stored_corpus``), fine-tunes
the encoder on the train split if no tuned encoder of this stamp is cached (some minutes
on two cores), and fits the head on its vectors (seconds). It is idempotent: the stamp
(``classify.default_model.stamp``: the corpus, tuning and head versions and the settings
they depend on) says whether the cached model is still the one this code would build.
"""

from __future__ import annotations

import sys
import time

from classify.default_model import (
    StoredCorpus,
    is_current,
    train_default,
    tuned_name,
    write_corpus,
)
from classify.training import LabeledText
from eakte.errors import EakteError
from eakte.settings import Settings, load_settings
from samples.corpus import CORPUS_VERSION, Example, generate_corpus, split_by_template

SEED = 0  # of the letters and of their split into train and held-out templates


def generated(per_type: int, seed: int = SEED) -> StoredCorpus:
    """The letters of the default model: the train split and the held-out templates."""

    def labeled(examples: list[Example]) -> list[LabeledText]:
        return [LabeledText(e.text, e.type_id, e.template_id) for e in examples]

    train, held_out = split_by_template(generate_corpus(per_type, seed), seed=seed)
    return StoredCorpus(CORPUS_VERSION, per_type, seed, labeled(train), labeled(held_out))


def build(settings: Settings) -> bool:
    """Make the cached default model the current one; True if it had to train."""
    from classify.encoder import tuned_file

    if is_current(settings, CORPUS_VERSION):
        return False
    corpus = generated(settings.training_per_type)
    write_corpus(settings, corpus)
    name = tuned_name(settings, corpus.version)
    if settings.classifier_tuned and not tuned_file(settings.model_cache_dir, name).is_file():
        _tune(settings, name, corpus.train)
    train_default(settings)
    return True


def _tune(settings: Settings, name: str, examples: list[LabeledText]) -> None:
    from classify.encoder import TextEncoder
    from classify.fine_tuning import fine_tune

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


def main() -> int:
    started = time.perf_counter()
    try:
        trained = build(load_settings())
    except EakteError as exc:
        print(f"Standardmodell: {exc.message}", file=sys.stderr)
        return exc.exit_code
    if trained:
        print(f"Standardmodell trainiert ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
