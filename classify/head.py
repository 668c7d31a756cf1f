"""The trained part of the classifier: a linear head over the frozen encoder's vectors.

Multinomial logistic regression (scikit-learn) retrains in seconds from cached vectors,
so every correction can go into the next model at once. Stored as JSON with a format
version (no pickle: a model file must not be able to run code when loaded)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

FORMAT_VERSION = 1
REGULARISATION = 10.0  # inverse strength; chosen on the template-disjoint split


@dataclass(frozen=True)
class LinearHead:
    types: list[str]
    coef: np.ndarray  # (types, dimensions)
    intercept: np.ndarray  # (types,)
    encoder: str  # the encoder version the vectors came from
    layers: int  # encoder depth the head was trained on
    version: str
    examples: int
    corrections: int

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        logits = vectors @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format_version": FORMAT_VERSION,
                "version": self.version,
                "encoder": self.encoder,
                "layers": self.layers,
                "types": self.types,
                "coef": self.coef.round(6).tolist(),
                "intercept": self.intercept.round(6).tolist(),
                "examples": self.examples,
                "corrections": self.corrections,
            }
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> LinearHead:
        raw: dict[str, Any] = json.loads(data)
        if raw.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"unsupported model format {raw.get('format_version')}")
        return cls(
            types=list(raw["types"]),
            coef=np.asarray(raw["coef"], dtype=np.float32),
            intercept=np.asarray(raw["intercept"], dtype=np.float32),
            encoder=str(raw["encoder"]),
            layers=int(raw["layers"]),
            version=str(raw["version"]),
            examples=int(raw["examples"]),
            corrections=int(raw["corrections"]),
        )


def fit_head(
    vectors: np.ndarray,
    labels: list[str],
    *,
    encoder: str,
    layers: int,
    weights: np.ndarray | None = None,
    corrections: int = 0,
) -> LinearHead:
    """Train on ``vectors``; ``weights`` lets the few corrections count for more than
    the many generated examples."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION, max_iter=2000)
    model.fit(vectors, labels, sample_weight=weights)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return LinearHead(
        types=[str(t) for t in model.classes_],
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
        encoder=encoder,
        layers=layers,
        version=f"{stamp}-{len(labels)}",
        examples=len(labels),
        corrections=corrections,
    )
