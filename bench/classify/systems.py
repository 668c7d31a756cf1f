"""The classifiers compared: TF-IDF + logistic regression (the peers' approach), a linear
head over frozen e5 vectors, and two hybrids of the two (early: concatenated features;
late: averaged probabilities). Each is a ``fit_predict`` over row indices into one pool
of texts (train + eval), so the corrections protocol can move rows between the sides.

Hyperparameters (C, the TF-IDF scale of the early hybrid, the weight of the late one)
are chosen by cross-validation on the train split, grouped by template, never on eval.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

TFIDF_OPTIONS: dict[str, Any] = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2}
CORRECTION_WEIGHT = 5.0  # classify.training.CORRECTION_WEIGHT
FOLDS = 4

# (train rows, their labels, sample weights, test rows) -> (classes, probabilities)
FitPredict = Callable[[np.ndarray, list[str], np.ndarray, np.ndarray], tuple[list[str], np.ndarray]]


@dataclass(frozen=True)
class Pool:
    texts: list[str]
    labels: list[str]
    groups: list[str]
    vectors: dict[str, np.ndarray]  # encoder setting name -> (rows, dim)


def _logreg(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=3000)


_TFIDF_MEMO: dict[bytes, tuple[sparse.csr_matrix, sparse.csr_matrix]] = {}


def tfidf_matrices(
    pool: Pool, train: np.ndarray, test: np.ndarray
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Vectorizer fitted on the train rows only (memoised: the grids reuse the folds)."""
    key = train.tobytes() + b"|" + test.tobytes()
    if key not in _TFIDF_MEMO:
        vectorizer = TfidfVectorizer(**TFIDF_OPTIONS)
        fitted = vectorizer.fit_transform([pool.texts[i] for i in train])
        _TFIDF_MEMO[key] = (fitted, vectorizer.transform([pool.texts[i] for i in test]))
    return _TFIDF_MEMO[key]


def tfidf_system(pool: Pool, c: float) -> FitPredict:
    def fit_predict(train, labels, weights, test):  # type: ignore[no-untyped-def]
        x_train, x_test = tfidf_matrices(pool, train, test)
        model = _logreg(c).fit(x_train, labels, sample_weight=weights)
        return list(model.classes_), model.predict_proba(x_test)

    return fit_predict


def e5_system(pool: Pool, setting: str, c: float) -> FitPredict:
    vectors = pool.vectors[setting]

    def fit_predict(train, labels, weights, test):  # type: ignore[no-untyped-def]
        model = _logreg(c).fit(vectors[train], labels, sample_weight=weights)
        return list(model.classes_), model.predict_proba(vectors[test])

    return fit_predict


def concat_system(pool: Pool, setting: str, c: float, scale: float) -> FitPredict:
    """[e5 vector | scale * TF-IDF row]: both parts have unit length before scaling."""
    vectors = pool.vectors[setting]

    def fit_predict(train, labels, weights, test):  # type: ignore[no-untyped-def]
        t_train, t_test = tfidf_matrices(pool, train, test)
        x_train = sparse.hstack([sparse.csr_matrix(vectors[train]), scale * t_train]).tocsr()
        x_test = sparse.hstack([sparse.csr_matrix(vectors[test]), scale * t_test]).tocsr()
        model = _logreg(c).fit(x_train, labels, sample_weight=weights)
        return list(model.classes_), model.predict_proba(x_test)

    return fit_predict


def late_system(pool: Pool, setting: str, c_e5: float, c_tfidf: float, w: float) -> FitPredict:
    """w * P(e5 head) + (1 - w) * P(TF-IDF head); both heads trained separately."""
    e5 = e5_system(pool, setting, c_e5)
    lexical = tfidf_system(pool, c_tfidf)

    def fit_predict(train, labels, weights, test):  # type: ignore[no-untyped-def]
        classes, p_e5 = e5(train, labels, weights, test)
        classes_t, p_t = lexical(train, labels, weights, test)
        assert classes == classes_t
        return classes, w * p_e5 + (1 - w) * p_t

    return fit_predict


def cv_macro_f1(system: FitPredict, pool: Pool, train: np.ndarray) -> float:
    """Macro-F1 of out-of-fold predictions, folds grouped by template."""
    labels = np.array([pool.labels[i] for i in train])
    groups = [pool.groups[i] for i in train]
    predicted = np.empty(len(train), dtype=object)
    for fit_idx, test_idx in GroupKFold(FOLDS).split(train, labels, groups):
        classes, probs = system(
            train[fit_idx], list(labels[fit_idx]), np.ones(len(fit_idx)), train[test_idx]
        )
        predicted[test_idx] = np.array(classes, dtype=object)[probs.argmax(1)]
    return float(f1_score(labels, list(predicted), average="macro"))


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    return {
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=sorted(set(truth)), average="macro")), 4
        ),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
    }


def run_system(
    system: FitPredict, pool: Pool, train: np.ndarray, test: np.ndarray
) -> dict[str, Any]:
    """Fit on train, predict test: scores, fit seconds and the predictions."""
    labels = [pool.labels[i] for i in train]
    _TFIDF_MEMO.pop(train.tobytes() + b"|" + test.tobytes(), None)  # time the vectorizer too
    start = time.perf_counter()
    classes, probs = system(train, labels, np.ones(len(train)), test)
    seconds = time.perf_counter() - start
    predicted = [classes[i] for i in probs.argmax(1)]
    truth = [pool.labels[i] for i in test]
    return {**scores(truth, predicted), "fit_seconds": round(seconds, 2), "predicted": predicted}


def with_corrections(
    system: FitPredict,
    pool: Pool,
    train: np.ndarray,
    test: np.ndarray,
    predicted: list[str],
    chosen: list[int],
) -> dict[str, Any]:
    """Add the eval letters at positions ``chosen`` as corrections (their true type,
    weight 5), retrain, and measure on the rest of eval against the same rest before."""
    rest = np.array([i for i in range(len(test)) if i not in set(chosen)])
    truth = [pool.labels[test[i]] for i in rest]
    before = [predicted[i] for i in rest]
    rows = np.concatenate([train, test[chosen]])
    labels = [pool.labels[i] for i in rows]
    weights = np.array([1.0] * len(train) + [CORRECTION_WEIGHT] * len(chosen))
    start = time.perf_counter()
    classes, probs = system(rows, labels, weights, test[rest])
    seconds = time.perf_counter() - start
    after = [classes[i] for i in probs.argmax(1)]
    return {
        **correction_summary(pool, test, predicted, chosen, truth, before, after),
        "retrain_seconds": round(seconds, 2),
    }


def correction_summary(
    pool: Pool,
    test: np.ndarray,
    predicted: list[str],
    chosen: list[int],
    truth: list[str],
    before: list[str],
    after: list[str],
) -> dict[str, Any]:
    kinds = {
        (pool.labels[test[i]], predicted[i]) for i in chosen if pool.labels[test[i]] != predicted[i]
    }
    corrected_type = {pool.labels[test[i]] for i in chosen}
    same_kind = [i for i, (t, b) in enumerate(zip(truth, before, strict=True)) if (t, b) in kinds]
    # when the system made few mistakes, the corrections are letters of one type: its
    # remaining misses are then "the kind of mistake" that was corrected
    if not same_kind:
        same_kind = [
            i
            for i, (t, b) in enumerate(zip(truth, before, strict=True))
            if t != b and t in corrected_type
        ]
    fixed = sum(after[i] == truth[i] for i in same_kind)
    broken = sum(b == t and a != t for t, b, a in zip(truth, before, after, strict=True))
    return {
        "corrections": len(chosen),
        "corrected_mistakes": sum(pool.labels[test[i]] != predicted[i] for i in chosen),
        "rest_letters": len(truth),
        "before_on_rest": scores(truth, before),
        "after_on_rest": scores(truth, after),
        "same_kind_mistakes_before": len(same_kind),
        "same_kind_fixed": int(fixed),
        "fix_rate": round(fixed / len(same_kind), 4) if same_kind else None,
        "newly_wrong": int(broken),
    }
