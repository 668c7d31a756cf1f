"""Calibration on a head that makes mistakes: trained on a few generated letters per
type over the frozen 4-layer encoder, measured on letters of templates it never saw,
once uncalibrated (temperature 1, the fixed 0.6) and once as `eakte train` now stores it
(temperature and review threshold fitted on held-out folds of its training letters).

    PYTHONPATH=$PWD .venv/bin/python bench/classify/calibration.py [--per-type 12]

The model cache is a temporary folder with a link to the converted encoder (read only);
nothing is written to ~/.cache/eakte/models."""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

from classify.default_model import default_encoder
from classify.evaluation import evaluate, reliability_lines
from classify.service import embedding_cache_file
from classify.training import Embedder, LabeledText, train_head
from classify.types import DEFAULT_REVIEW_THRESHOLD, load_types
from eakte.settings import Settings
from samples.corpus import generate_corpus, split_by_template


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-type", type=int, default=12)
    parser.add_argument("--max-error", type=float, default=0.05)
    args = parser.parse_args()
    encoder_dir = next(Settings().model_cache_dir.glob("multilingual-e5-small-*"))
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        (cache / encoder_dir.name).symlink_to(encoder_dir, target_is_directory=True)
        settings = Settings(model_cache_dir=cache, classifier_layers=4, classifier_tuned=False)
        train, held_out = split_by_template(generate_corpus(40, seed=5, noise=0.03), seed=5)
        count: Counter[str] = Counter()
        small = []
        for example in train:
            if count[example.type_id] < args.per_type:
                count[example.type_id] += 1
                small.append(LabeledText(example.text, example.type_id, example.template_id))
        encoder = default_encoder(settings)
        embedder = Embedder(encoder, embedding_cache_file(settings, encoder.version))
        head = train_head(embedder, small, [], load_types(None), max_error=args.max_error)
        print(f"{len(small)} training letters; fitted on held-out folds: {head.calibration}")
        texts = [e.text for e in held_out]
        vectors = embedder.vectors(texts)
        truth = [e.type_id for e in held_out]
        threshold = head.review_threshold or DEFAULT_REVIEW_THRESHOLD
        for name, measured, used in (
            (
                "uncalibrated, fixed threshold",
                replace(head, temperature=1.0),
                DEFAULT_REVIEW_THRESHOLD,
            ),
            ("calibrated, threshold from the target", head, threshold),
        ):
            result = evaluate(measured, vectors, texts, truth, used)
            print(f"\n{name}: accuracy {result.accuracy:.3f} on {len(truth)} letters")
            print("\n".join(reliability_lines(result)))


if __name__ == "__main__":
    main()
