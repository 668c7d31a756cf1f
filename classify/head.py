"""The trained part of the classifier: a linear head over the encoder's vectors joined
with TF-IDF word features (a hybrid).

``bench/classify`` measured, on letters of held-out templates: TF-IDF alone macro-F1
0.89, the frozen encoder alone 0.77, the fine-tuned encoder alone 0.95, the fine-tuned
encoder with TF-IDF 0.98. Multinomial logistic regression (scikit-learn) retrains in
seconds from cached vectors, so every correction can go into the next model at once.
Stored as JSON with a format version (no pickle: loading a model file must not be able
to run code)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from scipy import sparse

FORMAT_VERSION = 4  # 4: calibrated (temperature, review threshold); 2 and 3 still load
READABLE_FORMATS = {2, 3, 4}
REGULARISATION = 100.0  # inverse strength, chosen by cross-validation over templates
TFIDF_SCALE = 2.0  # weight of the unit-length TF-IDF row against the unit-length vector
TFIDF_OPTIONS: dict[str, Any] = {"ngram_range": (1, 2), "sublinear_tf": True}
MIN_DOCUMENT_FREQUENCY = 2


@dataclass(frozen=True)
class LinearHead:
    types: list[str]
    coef: np.ndarray  # (types, dimensions + vocabulary)
    intercept: np.ndarray  # (types,)
    vocabulary: dict[str, int]
    idf: np.ndarray
    encoder: str  # the encoder version the vectors came from
    layers: int  # encoder depth the head was trained on
    tuned: str | None  # the fine-tuned encoder in the model cache, None: the converted one
    tuned_sha256: str | None  # of its weights file: the same weights on every machine
    version: str
    examples: int
    corrections: int
    # Fitted on held-out predictions (``classify.calibration``); 1.0 and None: not
    # calibrated (a model of format 2 or 3, or too few examples per type)
    temperature: float = 1.0
    review_threshold: float | None = None
    calibration: dict[str, object] | None = None  # what the fit measured, for people

    def logits(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        features = _features(vectors, _vectorizer(self.vocabulary, self.idf).transform(texts))
        logits: np.ndarray = np.asarray(features @ self.coef.T) + self.intercept
        return logits

    def probabilities(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Calibrated: the logits divided by the fitted temperature."""
        from classify.calibration import softmax

        return softmax(self.logits(vectors, texts), self.temperature)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format_version": FORMAT_VERSION,
                "version": self.version,
                "encoder": self.encoder,
                "layers": self.layers,
                "tuned": self.tuned,
                "tuned_sha256": self.tuned_sha256,
                "types": self.types,
                "coef": self.coef.round(6).tolist(),
                "intercept": self.intercept.round(6).tolist(),
                "vocabulary": self.vocabulary,
                "idf": self.idf.round(6).tolist(),
                "examples": self.examples,
                "corrections": self.corrections,
                "temperature": round(self.temperature, 6),
                "review_threshold": self.review_threshold,
                "calibration": self.calibration,
            },
            ensure_ascii=False,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> LinearHead:
        raw: dict[str, Any] = json.loads(data)
        if raw.get("format_version") not in READABLE_FORMATS:
            raise ValueError(f"unsupported model format {raw.get('format_version')}")
        return cls(
            types=list(raw["types"]),
            coef=np.asarray(raw["coef"], dtype=np.float32),
            intercept=np.asarray(raw["intercept"], dtype=np.float32),
            vocabulary={str(k): int(v) for k, v in raw["vocabulary"].items()},
            idf=np.asarray(raw["idf"], dtype=np.float64),
            encoder=str(raw["encoder"]),
            layers=int(raw["layers"]),
            tuned=raw.get("tuned"),
            tuned_sha256=raw.get("tuned_sha256"),
            version=str(raw["version"]),
            examples=int(raw["examples"]),
            corrections=int(raw["corrections"]),
            temperature=float(raw.get("temperature", 1.0)),
            review_threshold=raw.get("review_threshold"),
            calibration=raw.get("calibration"),
        )


def _vectorizer(vocabulary: dict[str, int], idf: np.ndarray) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(vocabulary=vocabulary, **TFIDF_OPTIONS)
    vectorizer.idf_ = idf
    return vectorizer


def _features(vectors: np.ndarray, tfidf: Any) -> sparse.csr_matrix:
    return sparse.hstack([sparse.csr_matrix(vectors), TFIDF_SCALE * tfidf]).tocsr()


def fit_head(
    vectors: np.ndarray,
    texts: Sequence[str],
    labels: list[str],
    *,
    encoder: str,
    layers: int,
    tuned: str | None = None,
    tuned_sha256: str | None = None,
    weights: np.ndarray | None = None,
    corrections: int = 0,
) -> LinearHead:
    """Train on ``vectors`` and ``texts``; ``weights`` lets the few corrections count for
    more than the many generated examples."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    min_df = MIN_DOCUMENT_FREQUENCY if len(texts) >= 50 else 1
    vectorizer = TfidfVectorizer(min_df=min_df, **TFIDF_OPTIONS)
    tfidf = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=REGULARISATION, max_iter=3000)
    model.fit(_features(vectors, tfidf), labels, sample_weight=weights)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # one logit z for the second type: softmax of (-z/2, z/2)
        coef, intercept = (
            np.vstack([-coef / 2, coef / 2]),
            np.hstack([-intercept / 2, intercept / 2]),
        )
    return LinearHead(
        types=[str(t) for t in model.classes_],
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_.astype(np.float64),
        encoder=encoder,
        layers=layers,
        tuned=tuned,
        tuned_sha256=tuned_sha256,
        version=f"{stamp}-{len(labels)}",
        examples=len(labels),
        corrections=corrections,
    )
