"""How good a head is on labelled letters: macro-F1, per-type precision and recall, a
confusion matrix people can read (PNG), and how far its confidence can be trusted: the
reliability table, the expected calibration error, and how many answers the review
threshold lets pass and how many of those are wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from classify.calibration import Reliability, reliability, unflagged_error
from classify.head import LinearHead


@dataclass(frozen=True)
class Evaluation:
    macro_f1: float
    accuracy: float
    per_type: dict[str, dict[str, float]]
    labels: list[str]
    confusion: list[list[int]] = field(repr=False)
    reliability: Reliability = field(repr=False)
    threshold: float
    unflagged: float  # share of the documents the threshold lets pass
    unflagged_error: float  # share wrong among those

    def as_json(self) -> dict[str, object]:
        return {
            "reliability": self.reliability.as_json(),
            "review_threshold": round(self.threshold, 4),
            "unflagged": round(self.unflagged, 4),
            "unflagged_error": round(self.unflagged_error, 4),
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "per_type": self.per_type,
            "labels": self.labels,
            "confusion": self.confusion,
        }


def evaluate(
    head: LinearHead,
    vectors: np.ndarray,
    texts: Sequence[str],
    truth: Sequence[str],
    threshold: float,
) -> Evaluation:
    """``threshold``: the review threshold in use (configured, else the model's)."""
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    probabilities = head.probabilities(vectors, texts)
    predicted = [head.types[i] for i in probabilities.argmax(axis=1)]
    confidence = probabilities.max(axis=1)
    correct = np.array([p == t for p, t in zip(predicted, truth, strict=True)])
    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_type = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    return Evaluation(
        macro_f1=float(f1_score(truth, predicted, labels=sorted(set(truth)), average="macro")),
        accuracy=float(accuracy_score(truth, predicted)),
        per_type=per_type,
        labels=labels,
        confusion=confusion_matrix(truth, predicted, labels=labels).tolist(),
        reliability=reliability(confidence, correct),
        threshold=threshold,
        unflagged=float((confidence >= threshold).mean()) if len(truth) else 0.0,
        unflagged_error=unflagged_error(confidence, correct, threshold),
    )


def reliability_lines(evaluation: Evaluation) -> list[str]:
    """The reliability table and the review threshold's effect, in German."""
    table = evaluation.reliability
    lines = [
        f"Verlässlichkeit der Konfidenz (erwarteter Kalibrierungsfehler ECE {table.ece:.3f}):",
        "  Konfidenz    Anzahl  richtig  mittlere Konfidenz",
    ]
    for row in table.bins:
        lines.append(
            f"  {row['low']:.1f}–{row['high']:.1f}   {int(row['count']):7d}  "
            f"{row['accuracy']:7.1%}  {row['mean_confidence']:18.1%}"
        )
    lines.append(
        f"Prüfschwelle {evaluation.threshold:.2f}: {evaluation.unflagged:.0%} ohne "
        f"„bitte prüfen“, davon {evaluation.unflagged_error:.1%} falsch"
    )
    return lines


def write_confusion_png(evaluation: Evaluation, path: Path, names: dict[str, str]) -> None:
    """Rows: the true type, columns: what the model said (German labels)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [names.get(label, label) for label in evaluation.labels]
    matrix = np.array(evaluation.confusion)
    figure, axes = plt.subplots(figsize=(1.0 + 0.8 * len(labels), 1.0 + 0.7 * len(labels)))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("erkannt als")
    axes.set_ylabel("tatsächlicher Typ")
    axes.set_title(f"Verwechslungsmatrix (Makro-F1 {evaluation.macro_f1:.3f})")
    for (row, column), value in np.ndenumerate(matrix):
        if value:
            color = "white" if value > matrix.max() / 2 else "black"
            axes.text(column, row, str(value), ha="center", va="center", color=color)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
