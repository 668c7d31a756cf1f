"""Temperature scaling and the review threshold from an error target, with real numpy
and scikit-learn maths on toy data: a head made deliberately over-confident gets honest
confidences back, and the threshold keeps the unflagged error at the target."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from classify.calibration import (
    calibrate,
    fit_temperature,
    reliability,
    softmax,
    threshold_for,
    unflagged_error,
)
from classify.evaluation import evaluate, reliability_lines
from classify.head import LinearHead, fit_head
from classify.types import TypeRouter, review_threshold
from eakte.ports import Prediction

TYPES = ["bauantrag", "rechnung", "widerspruch"]


def _toy(n: int, seed: int) -> tuple[np.ndarray, list[str], list[str]]:
    """Three overlapping clouds in 8 dimensions: about a quarter of the points lie
    nearer another type's centre, so no honest model is sure of everything."""
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 8) * 1.5
    truth = rng.integers(0, 3, n)
    vectors = (centres[truth] + rng.normal(0, 1.0, (n, 8))).astype(np.float32)
    texts = ["Sehr geehrte Damen und Herren"] * n  # no words that tell the types apart
    return vectors, texts, [TYPES[i] for i in truth]


def _overconfident_head() -> LinearHead:
    vectors, texts, labels = _toy(300, seed=1)
    head = fit_head(vectors, texts, labels, encoder="toy", layers=1)
    return replace(head, coef=head.coef * 6, intercept=head.intercept * 6)  # deliberately


def _confidences(head: LinearHead, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    vectors, texts, labels = _toy(600, seed=seed)
    truth = np.array([head.types.index(label) for label in labels])
    return head.logits(vectors, texts), truth, np.array(labels)


def test_temperature_scaling_reduces_the_calibration_error_of_an_overconfident_head() -> None:
    head = _overconfident_head()
    fit_logits, fit_truth, _ = _confidences(head, seed=2)
    temperature = fit_temperature(fit_logits, fit_truth)
    assert temperature > 2  # the confidences were inflated, T deflates them

    logits, truth, _ = _confidences(head, seed=3)  # measured on other data than fitted on
    before, after = softmax(logits), softmax(logits, temperature)
    ece_before = reliability(before.max(axis=1), before.argmax(axis=1) == truth).ece
    ece_after = reliability(after.max(axis=1), after.argmax(axis=1) == truth).ece
    assert ece_after < ece_before / 2
    assert (before.argmax(axis=1) == after.argmax(axis=1)).all()  # the answers stay


def test_threshold_from_the_target_keeps_unflagged_errors_at_or_under_it() -> None:
    head = _overconfident_head()
    logits, truth, _ = _confidences(head, seed=4)
    probabilities = softmax(logits, fit_temperature(logits, truth))
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    assert (~correct).mean() > 0.15  # without a threshold far more than 5 % are wrong
    for target in (0.02, 0.05, 0.10):
        threshold = threshold_for(confidence, correct, target)
        assert unflagged_error(confidence, correct, threshold) <= target
        assert (confidence >= threshold).any()
        lower = confidence[confidence < threshold]
        if lower.size:  # the lowest such threshold: one step lower breaks the target
            assert unflagged_error(confidence, correct, float(lower.max())) > target
    assert threshold_for(np.array([0.9, 0.8]), np.array([False, False]), 0.05) == 1.0


def test_calibrate_fits_on_held_out_folds_and_the_head_keeps_it() -> None:
    vectors, texts, labels = _toy(240, seed=5)

    def logits_of(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        rows = [texts[i] for i in train]
        fold = fit_head(vectors[train], rows, [labels[i] for i in train], encoder="t", layers=1)
        scaled = replace(fold, coef=fold.coef * 6, intercept=fold.intercept * 6)
        return scaled.logits(vectors[test], [texts[i] for i in test])

    found = calibrate(labels, TYPES, logits_of, max_error=0.05)
    assert found is not None and found.review_threshold is not None
    assert found.held_out == 240 and found.temperature > 2
    assert found.ece_after < found.ece_before
    assert found.unflagged_error is not None and found.unflagged_error <= 0.05
    assert calibrate(["rechnung", "rechnung", "widerspruch"], TYPES, logits_of, 0.05) is None

    def perfect(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        return np.array([[5.0 * (t == labels[i]) for t in TYPES] for i in test])

    # Without wrong held-out answers there is nothing to fit: T stays 1, no threshold
    unsure = calibrate(labels, TYPES, perfect, max_error=0.05)
    assert unsure is not None and unsure.errors == 0
    assert unsure.temperature == 1.0 and unsure.review_threshold is None

    head = replace(
        fit_head(vectors, texts, labels, encoder="t", layers=1),
        temperature=found.temperature,
        review_threshold=found.review_threshold,
        calibration=found.as_json(),
    )
    again = LinearHead.from_json(head.to_json())
    assert again.temperature == round(found.temperature, 6)
    assert again.review_threshold == found.review_threshold
    probabilities = again.probabilities(vectors[:5], texts[:5])
    assert np.allclose(
        probabilities, softmax(again.logits(vectors[:5], texts[:5]), again.temperature)
    )


def test_the_configured_threshold_overrides_the_models_own() -> None:
    prediction = Prediction("rechnung", 0.7, [], "v", review_threshold=0.8)
    assert TypeRouter(None, None).route(prediction).needs_review is True  # the model's 0.8
    assert TypeRouter(None, 0.5).route(prediction).needs_review is False  # configured
    assert review_threshold(None, None) == 0.6  # an uncalibrated model of format 3


def test_evaluation_reports_the_reliability_table_in_german() -> None:
    head = _overconfident_head()
    vectors, texts, labels = _toy(200, seed=6)
    result = evaluate(head, vectors, texts, labels, threshold=0.9)
    bins = result.reliability.bins
    assert sum(int(b["count"]) for b in bins) == 200
    assert result.reliability.ece > 0.1  # the deliberately over-confident head
    lines = reliability_lines(result)
    assert lines[0].startswith("Verlässlichkeit der Konfidenz") and "ECE" in lines[0]
    assert len(lines) == 2 + len(bins) + 1 and "Prüfschwelle 0.90" in lines[-1]
    data = result.as_json()
    assert data["reliability"] == result.reliability.as_json()
    assert 0 <= float(data["unflagged_error"]) <= 1  # type: ignore[arg-type]


def test_a_head_of_two_types_gives_both_a_probability() -> None:
    # scikit-learn keeps one logit for two classes; the head spreads it over both types
    vectors, texts, labels = _toy(120, seed=7)
    two = [label if label == "rechnung" else "widerspruch" for label in labels]
    head = fit_head(vectors, texts, two, encoder="t", layers=1)
    probabilities = head.probabilities(vectors, texts)
    assert probabilities.shape == (120, 2) and np.allclose(probabilities.sum(axis=1), 1)
    predicted = [head.types[i] for i in probabilities.argmax(axis=1)]
    assert set(predicted) == {"rechnung", "widerspruch"}
    assert np.mean([p == t for p, t in zip(predicted, two, strict=True)]) > 0.7
