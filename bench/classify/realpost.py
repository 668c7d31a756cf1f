"""Issue 17, item 1: the classifier on real German post (``bench/classify/realpost/``),
next to the generated letters it was trained on.

    PYTHONPATH=$PWD .venv/bin/python bench/classify/realpost.py

Measures, on the real set (all documents / the evaluation-only ones / those that may be
used for training, and per source):

- the product's default model exactly as ingest applies it: a fresh installation
  (empty data directory, so the set-up's default head), the head's own encoder and
  tuned weights, the configured or the model's review threshold, texts read with
  ``classify.document_text.read_document`` as ``eakte evaluate --data`` reads them;
- the TF-IDF + logistic-regression peer of ``bench/classify/systems.py``, trained on
  the same generated letters the default head was trained on (the stored corpus'
  train split), C chosen by template-grouped cross-validation on that split.

Scores come from ``classify.evaluation.evaluate`` (macro-F1, accuracy, per-type
precision/recall/F1, confusion matrix, reliability table and ECE, share unflagged and
share wrong among the unflagged at the review threshold). "Lenient" figures also accept
a document's second label (``alt_label``). The same two systems are measured on the
generated held-out letters (``eakte evaluate`` without ``--data``) for comparison.

Writes ``bench/results/classify_realpost.json``. Vectors are cached in
``/tmp/eakte-bench-realpost`` (keyed by text); the model cache is only read.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.classify import systems as s  # noqa: E402
from bench.classify.run import C_GRID  # noqa: E402
from classify.evaluation import Evaluation, evaluate, reliability_lines  # noqa: E402
from classify.training import Embedder, LabeledText, read_labeled  # noqa: E402

SET_DIR = ROOT / "bench" / "classify" / "realpost"
RESULT = ROOT / "bench" / "results" / "classify_realpost.json"
CACHE = Path("/tmp/eakte-bench-realpost")


@dataclass(frozen=True)
class Document:
    id: str
    path: Path
    label: str
    alt_label: str | None
    source_id: str
    evaluation_only: bool


def load_set(directory: Path = SET_DIR) -> list[Document]:
    """The manifest's documents; refuses a text whose sha256 differs from the manifest."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    documents = []
    for entry in manifest["documents"]:
        path = directory / entry["file"]
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{path}: sha256 differs from the manifest")
        documents.append(
            Document(
                entry["id"],
                path,
                entry["label"],
                entry.get("alt_label"),
                entry["source_id"],
                bool(entry["evaluation_only"]),
            )
        )
    return documents


class _PeerHead:
    """The TF-IDF peer's probabilities in the shape ``classify.evaluation.evaluate``
    reads from a head (``types`` and ``probabilities``), so both systems are scored by
    the same code."""

    def __init__(self, types: list[str], rows: dict[str, np.ndarray]) -> None:
        self.types = types
        self._rows = rows  # text -> probabilities in ``types`` order

    def probabilities(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._rows[t] for t in texts])


def _lenient_truth(truth: list[str], alt: list[str | None], predicted: list[str]) -> list[str]:
    """The label, or the second label where that is what the system said."""
    return [
        a if a is not None and p == a else t for t, a, p in zip(truth, alt, predicted, strict=True)
    ]


def _confusion_pairs(result: Evaluation) -> list[dict[str, Any]]:
    pairs = [
        {"true": result.labels[i], "predicted": result.labels[j], "count": int(count)}
        for i, row in enumerate(result.confusion)
        for j, count in enumerate(row)
        if i != j and count
    ]
    return sorted(pairs, key=lambda p: (-p["count"], p["true"], p["predicted"]))


def score(
    head: Any,
    vectors: np.ndarray,
    texts: list[str],
    truth: list[str],
    alt: list[str | None],
    threshold: float,
) -> dict[str, Any]:
    strict = evaluate(head, vectors, texts, truth, threshold)
    probabilities = head.probabilities(vectors, texts)
    predicted = [head.types[i] for i in probabilities.argmax(axis=1)]
    lenient = evaluate(head, vectors, texts, _lenient_truth(truth, alt, predicted), threshold)
    return {
        "documents": len(texts),
        **strict.as_json(),
        "confusion_pairs": _confusion_pairs(strict),
        "lenient": {
            "macro_f1": round(lenient.macro_f1, 4),
            "accuracy": round(lenient.accuracy, 4),
            "unflagged_error": round(lenient.unflagged_error, 4),
            "ece": round(lenient.reliability.ece, 4),
        },
    }


def subsets(documents: list[Document]) -> dict[str, np.ndarray]:
    ids = np.arange(len(documents))
    groups = {
        "all": ids,
        "evaluation_only": ids[[d.evaluation_only for d in documents]],
        "tuning_allowed": ids[[not d.evaluation_only for d in documents]],
    }
    for source in sorted({d.source_id for d in documents}):
        groups[f"source:{source}"] = ids[[d.source_id == source for d in documents]]
    return groups


def score_groups(
    head: Any,
    vectors: np.ndarray,
    texts: list[str],
    documents: list[Document],
    threshold: float,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, rows in subsets(documents).items():
        picked = [documents[i] for i in rows]
        result = score(
            head,
            vectors[rows],
            [texts[i] for i in rows],
            [d.label for d in picked],
            [d.alt_label for d in picked],
            threshold,
        )
        if name.startswith("source:"):  # per source: the headline figures only
            result = {
                k: result[k]
                for k in ("documents", "macro_f1", "accuracy", "unflagged", "unflagged_error")
            } | {"lenient_accuracy": result["lenient"]["accuracy"]}
        out[name] = result
    return out


def product_model(data_dir: Path) -> tuple[Any, Any, float, dict[str, Any]]:
    """The head a fresh installation classifies with (set-up's default model), its
    encoder with the head's tuned weights, and the review threshold ingest applies."""
    os.environ["EAKTE_DATA_DIR"] = str(data_dir)
    from classify import service
    from classify.types import review_threshold
    from eakte.settings import load_settings
    from eakte.wiring import build_context

    settings = load_settings()
    ctx = build_context(settings)
    try:
        head = service.load_head(settings, ctx.store)
        trained = service.current_head_data(settings, ctx.store)
        classifier = ctx.classifier
        assert isinstance(classifier, service.TransformerClassifier)
        encoder = classifier.encoder(head.layers, service.local_tuned(settings, ctx.store, head))
    finally:
        ctx.index.close()
    threshold = review_threshold(settings.review_threshold, head.review_threshold)
    info = {
        "version": head.version,
        "encoder": head.encoder,
        "layers": head.layers,
        "tuned": head.tuned,
        "examples": head.examples,
        "from": "store (trained)" if trained and trained[0] else "default model of the set-up",
        "review_threshold": round(threshold, 4),
        "model_review_threshold": head.review_threshold,
        "temperature": getattr(head, "temperature", None),
    }
    return head, encoder, threshold, info


def tfidf_peer(train: list[LabeledText], texts: list[str]) -> tuple[_PeerHead, dict[str, Any]]:
    """``systems.tfidf_system`` fitted on the generated train letters, C by template-
    grouped cross-validation (as ``run.py``); probabilities for ``texts``."""
    pool = s.Pool(
        texts=[e.text for e in train] + texts,
        labels=[e.type_id for e in train] + ["?"] * len(texts),
        groups=[e.source for e in train] + [f"real/{i}" for i in range(len(texts))],
        vectors={},
    )
    train_rows = np.arange(len(train))
    cv = {c: round(s.cv_macro_f1(s.tfidf_system(pool, c), pool, train_rows), 4) for c in C_GRID}
    best = max(cv, key=lambda c: cv[c])
    test_rows = np.arange(len(train), len(pool.texts))
    classes, probabilities = s.tfidf_system(pool, best)(
        train_rows, [pool.labels[i] for i in train_rows], np.ones(len(train_rows)), test_rows
    )
    rows = {pool.texts[i]: probabilities[k] for k, i in enumerate(test_rows)}
    return _PeerHead(list(classes), rows), {
        "C": best,
        "cv_macro_f1": {str(k): v for k, v in cv.items()},
    }


def read_texts(documents: list[Document], workdir: Path) -> list[str]:
    """As ``eakte evaluate --data CSV`` reads them (``read_labeled`` with the CLI's
    ``read_document``; plain text is taken as it is)."""
    from classify.document_text import read_document
    from eakte.settings import load_settings
    from eakte.wiring import build_context

    listing = workdir / "realpost.csv"
    with open(listing, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "type"])
        writer.writerows((d.path, d.label) for d in documents)
    ctx = build_context(load_settings())
    try:
        examples, skipped = read_labeled(listing, partial(read_document, ctx))
    finally:
        ctx.index.close()
    if skipped:
        raise SystemExit(f"unreadable: {skipped}")
    by_path = {e.source: e.text for e in examples}
    return [by_path[str(d.path)] for d in documents]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=SET_DIR)
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    # per source, a subset often has one type only: sklearn warns, the figures are right
    warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
    started = time.perf_counter()
    documents = load_set(args.set)

    with tempfile.TemporaryDirectory() as folder:
        head, encoder, threshold, model = product_model(Path(folder) / "data")
        texts = read_texts(documents, Path(folder))
    from classify.default_model import stored_corpus
    from classify.service import embedding_cache_file
    from eakte.settings import load_settings

    settings = load_settings()
    corpus = stored_corpus(settings)
    embedder = Embedder(encoder, CACHE / embedding_cache_file(settings, encoder.version).name)
    vectors = embedder.vectors(texts)
    held_texts = [e.text for e in corpus.evaluation]
    held_vectors = embedder.vectors(held_texts)

    peer, peer_params = tfidf_peer(corpus.train, texts + held_texts)
    results: dict[str, Any] = {
        "product": score_groups(head, vectors, texts, documents, threshold),
        "tfidf": score_groups(peer, vectors, texts, documents, threshold),
    }
    held_truth = [e.type_id for e in corpus.evaluation]
    held_alt: list[str | None] = [None] * len(held_truth)
    generated = {
        "letters": len(held_texts),
        "product": score(head, held_vectors, held_texts, held_truth, held_alt, threshold),
        "tfidf": score(peer, held_vectors, held_texts, held_truth, held_alt, threshold),
    }
    earlier = ROOT / "bench" / "results" / "classify.json"
    if earlier.is_file():
        stored = json.loads(earlier.read_text())
        generated["bench_results_classify_json"] = {
            name: {k: entry.get(k) for k in ("macro_f1", "accuracy")}
            for name, entry in stored.get("systems", {}).items()
            if isinstance(entry, dict)
        }

    per_document = []
    product_probabilities = head.probabilities(vectors, texts)
    peer_probabilities = peer.probabilities(vectors, texts)
    for i, document in enumerate(documents):
        p, q = product_probabilities[i], peer_probabilities[i]
        per_document.append(
            {
                "id": document.id,
                "label": document.label,
                "alt_label": document.alt_label,
                "source_id": document.source_id,
                "evaluation_only": document.evaluation_only,
                "product": head.types[int(p.argmax())],
                "product_confidence": round(float(p.max()), 4),
                "product_flagged": bool(p.max() < threshold),
                "tfidf": peer.types[int(q.argmax())],
                "tfidf_confidence": round(float(q.max()), 4),
            }
        )
    report = {
        "command": "PYTHONPATH=$PWD .venv/bin/python bench/classify/realpost.py",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "set": {
            "documents": len(documents),
            "evaluation_only": sum(d.evaluation_only for d in documents),
            "per_type": dict(Counter(d.label for d in documents).most_common()),
            "per_source": dict(Counter(d.source_id for d in documents).most_common()),
        },
        "model": model,
        "tfidf": {
            "trained_on": f"stored corpus train split ({len(corpus.train)} letters)",
            **peer_params,
        },
        "results": results,
        "generated_heldout": generated,
        "documents": per_document,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print_summary(report, head, vectors, texts, documents, threshold)
    return 0


def print_summary(
    report: dict[str, Any],
    head: Any,
    vectors: np.ndarray,
    texts: list[str],
    documents: list[Document],
    threshold: float,
) -> None:
    print(f"{report['set']['documents']} real documents, model {report['model']['version']}")
    header = (
        f"{'':28} {'macro-F1':>8} {'acc':>6} {'lenient':>8} {'unflag':>7} {'err':>6} {'ECE':>6}"
    )
    print(header)
    for system in ("product", "tfidf"):
        for group in ("all", "evaluation_only", "tuning_allowed"):
            r = report["results"][system][group]
            print(
                f"{system + ' ' + group:28} {r['macro_f1']:8.3f} {r['accuracy']:6.3f} "
                f"{r['lenient']['accuracy']:8.3f} {r['unflagged']:7.1%} "
                f"{r['unflagged_error']:6.1%} "
                f"{r['reliability']['ece']:6.3f}"
            )
    for system in ("product", "tfidf"):
        r = report["generated_heldout"][system]
        print(f"{system + ' generated held-out':28} {r['macro_f1']:8.3f} {r['accuracy']:6.3f}")
    result = evaluate(head, vectors, texts, [d.label for d in documents], threshold)
    print("\n".join(reliability_lines(result)))


if __name__ == "__main__":
    raise SystemExit(main())
