"""Confidence that means what it says, and the review threshold from a target.

A logistic-regression head with weak regularisation is over-confident: on the real post
of issue 17 only 62 % of the answers between 0.6 and 0.8 were right. Two fixes, both fitted
on held-out predictions (each training example predicted by a head that did not see it,
k-fold), stored with the model:

- **Temperature scaling**: the head's logits are divided by one number T, fitted by
  minimising the negative log-likelihood on the held-out predictions. It keeps the
  ranking (the chosen type never changes) and only makes the confidences honest.
- **Review threshold from a target**: the lowest confidence such that, among the
  held-out predictions at or above it, at most ``max_error`` are wrong
  (``EAKTE_REVIEW_MAX_ERROR``, 5 %); everything below goes to a person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

FOLDS = 5
BINS = 10
MIN_PER_TYPE = 2  # fewer examples of a type: no held-out split, no calibration
# Fewer wrong held-out answers than this and the data cannot say how sure to be: with
# none, the likelihood only grows as T shrinks to 0 (every answer "certain"). Happens to
# the default head, whose encoder was fine-tuned on all of its letters; it keeps T = 1
# and the fixed threshold then.
MIN_ERRORS = 5


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return result


def fit_temperature(logits: np.ndarray, truth: np.ndarray) -> float:
    """The T (0.05–20) that minimises the negative log-likelihood of ``truth`` (column
    indices) under ``softmax(logits / T)``; a one-dimensional, convex problem in log T."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(truth))

    def nll(log_t: float) -> float:
        scaled = np.asarray(logits, dtype=np.float64) / np.exp(log_t)
        scaled -= scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        return float(np.mean(log_norm - scaled[rows, truth]))

    found = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(found.x))


@dataclass(frozen=True)
class Reliability:
    """Confidence bins of equal width: how many answers fell in each, how many of
    them were right, and their mean confidence; ECE is the count-weighted mean gap."""

    bins: list[dict[str, float]]  # low, high, count, accuracy, mean_confidence
    ece: float

    def as_json(self) -> dict[str, object]:
        return {"bins": self.bins, "ece": round(self.ece, 4)}


def reliability(confidences: np.ndarray, correct: np.ndarray, bins: int = BINS) -> Reliability:
    confidences = np.asarray(confidences, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidences, edges[1:-1], right=True), 0, bins - 1)
    rows: list[dict[str, float]] = []
    gap = 0.0
    for b in range(bins):
        inside = which == b
        count = int(inside.sum())
        if not count:
            continue
        accuracy = float(correct[inside].mean())
        mean_confidence = float(confidences[inside].mean())
        gap += count * abs(accuracy - mean_confidence)
        rows.append(
            {
                "low": round(float(edges[b]), 2),
                "high": round(float(edges[b + 1]), 2),
                "count": count,
                "accuracy": round(accuracy, 4),
                "mean_confidence": round(mean_confidence, 4),
            }
        )
    return Reliability(rows, gap / max(len(confidences), 1))


def threshold_for(confidences: np.ndarray, correct: np.ndarray, max_error: float) -> float:
    """The lowest observed confidence c such that of the answers with confidence >= c
    at most ``max_error`` are wrong; 1.0 (everything reviewed) when none qualifies."""
    order = np.argsort(-np.asarray(confidences, dtype=np.float64), kind="stable")
    ranked = np.asarray(confidences, dtype=np.float64)[order]
    wrong = np.cumsum(~np.asarray(correct, dtype=bool)[order])
    counts = np.arange(1, len(ranked) + 1)
    # Only cut between different confidences: ties are all flagged or all kept.
    cut = np.append(ranked[1:] < ranked[:-1], True)
    ok = (wrong / counts <= max_error) & cut
    if not ok.any():
        return 1.0
    return float(ranked[np.flatnonzero(ok).max()])


def unflagged_error(confidences: np.ndarray, correct: np.ndarray, threshold: float) -> float:
    """Share wrong among the answers a threshold lets pass without review."""
    kept = np.asarray(confidences) >= threshold
    return float((~np.asarray(correct, dtype=bool)[kept]).mean()) if kept.any() else 0.0


@dataclass(frozen=True)
class Calibration:
    temperature: float
    review_threshold: float | None
    held_out: int
    ece_before: float
    ece_after: float
    unflagged_error: float | None  # at the threshold, on the held-out predictions
    errors: int  # wrong held-out answers (before scaling)

    def as_json(self) -> dict[str, object]:
        return {
            "held_out": self.held_out,
            "errors": self.errors,
            "temperature": round(self.temperature, 4),
            "ece_before": round(self.ece_before, 4),
            "ece_after": round(self.ece_after, 4),
            "unflagged_error": None
            if self.unflagged_error is None
            else round(self.unflagged_error, 4),
        }


LogitsOf = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Train on the rows of the first index array, return logits (columns: ``types``) for
the rows of the second; a type the fold never saw gets a logit far below the others."""
UNSEEN = 50.0  # how far below the row's lowest logit a type the fold head lacks goes


def calibrate(
    labels: Sequence[str],
    types: Sequence[str],
    logits_of: LogitsOf,
    max_error: float | None,
    groups: Sequence[str] | None = None,
) -> Calibration | None:
    """Held-out logits by k-fold (stratified by type), then T and the threshold fitted
    on them. ``groups`` (a letter's template) are held out whole: letters of a template
    the head has seen are easier than new post, and would teach it over-confidence.
    None when a type has too few examples (or groups) to hold any out."""
    from sklearn.model_selection import StratifiedGroupKFold

    label_array = np.asarray(labels)
    group_array = np.asarray(groups if groups is not None else range(len(labels)), dtype=str)
    smallest = min(len(set(group_array[label_array == t])) for t in set(labels))
    if smallest < MIN_PER_TYPE:
        return None
    column = {t: i for i, t in enumerate(types)}
    truth = np.array([column[label] for label in labels])
    held_out = np.zeros((len(labels), len(types)))
    folds = StratifiedGroupKFold(n_splits=min(FOLDS, smallest), shuffle=True, random_state=0)
    for train, test in folds.split(np.zeros(len(labels)), label_array, group_array):
        held_out[test] = logits_of(train, test)
    before = softmax(held_out)
    errors = int((before.argmax(axis=1) != truth).sum())
    if errors < MIN_ERRORS:
        return Calibration(
            1.0, None, len(labels), _ece(before, truth), _ece(before, truth), None, errors
        )
    temperature = fit_temperature(held_out, truth)
    after = softmax(held_out, temperature)
    correct = after.argmax(axis=1) == truth
    confidence = after.max(axis=1)
    threshold = None if max_error is None else threshold_for(confidence, correct, max_error)
    return Calibration(
        temperature=temperature,
        review_threshold=threshold,
        held_out=len(labels),
        ece_before=_ece(before, truth),
        ece_after=reliability(confidence, correct).ece,
        unflagged_error=None
        if threshold is None
        else unflagged_error(confidence, correct, threshold),
        errors=errors,
    )


def _ece(probabilities: np.ndarray, truth: np.ndarray) -> float:
    return reliability(probabilities.max(axis=1), probabilities.argmax(axis=1) == truth).ece
