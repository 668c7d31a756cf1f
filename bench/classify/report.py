"""The short table the benchmark prints, and the derived per-system figures (speed and
training seconds of the encoder part) that go into the JSON."""

from __future__ import annotations

from typing import Any


def letters_per_s(result: dict[str, Any], name: str) -> float | None:
    """Encoder speed of the system's setting; a hybrid adds the (measured) lexical part."""
    lexical = result["lexical_inference"]["letters_per_s"]
    if name == "tfidf":
        return float(lexical)
    kind, setting = name.split(" ", 1)
    speed = result["speed"].get(f"{setting}-t2")
    if speed is None:
        return None
    rate = float(speed["letters_per_s"])
    if kind in ("concat", "late"):
        rate = 1.0 / (1.0 / rate + 1.0 / lexical)
    return round(rate, 2)


def encode_train_seconds(result: dict[str, Any], name: str) -> float:
    """Estimated seconds to encode the train split at the system's depth: the measured
    multi-depth pass over all letters, scaled by train share and depth."""
    if name == "tfidf":
        return 0.0
    setting = name.split(" ", 1)[1]
    if setting.startswith("tuned"):
        tuning = result["tuning"]
        return round(tuning["tune_seconds"] + tuning["embed_train_seconds"], 1)
    precision, chunk, depth = setting.split("-")[:3]
    passes = result["encoder_passes"]
    whole = setting.endswith("-whole")
    source = next(
        (
            v
            for k, v in passes.items()
            if k.startswith(f"{precision}-{chunk}-") and k.endswith("-whole") == whole
        ),
        None,
    )
    if source is None:
        return float("nan")
    data = result["data"]
    share = data["train_letters"] / (data["train_letters"] + data["eval_letters"])
    model_depth = 6 if setting.endswith("-whole") else 12
    return round(source["seconds"] * share * int(depth[1:]) / model_depth, 1)


def print_table(result: dict[str, Any]) -> None:
    data = result["data"]
    print(
        f"\nper_type {data['per_type']}: {data['train_letters']} train / "
        f"{data['eval_letters']} eval letters, template-disjoint"
    )
    header = (
        f"{'system':<24}{'params':<30}{'F1':>7}{'acc':>7}{'let/s':>8}{'train s':>9}"
        f"{'F1 rest':>9}{'+20 corr':>9}{'fix':>6}{'retrain':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, entry in result["systems"].items():
        after = entry["after_corrections"]
        params = ", ".join(
            f"{k}={v:g}" for k, v in entry.get("params", {}).items() if isinstance(v, float)
        )
        rate = letters_per_s(result, name)
        train_s = round(entry["fit_seconds"] + encode_train_seconds(result, name), 1)
        fix = after["fix_rate"]
        print(
            f"{name:<24}{params:<30}{entry['macro_f1']:>7.3f}{entry['accuracy']:>7.3f}"
            f"{rate if rate is not None else float('nan'):>8.1f}{train_s:>9.1f}"
            f"{after['before_on_rest']['macro_f1']:>9.3f}{after['after_on_rest']['macro_f1']:>9.3f}"
            f"{(fix if fix is not None else float('nan')):>6.2f}{after['retrain_seconds']:>8.1f}"
        )
    print("\nencoder speed on one-page letters (every chunk read, median of runs):")
    for key, speed in result["speed"].items():
        print(
            f"  {key:<20}{speed['letters_per_s']:>7.2f} letters/s {speed['tokens_per_s']:>8.0f}"
            f" tokens/s  load {speed['loadavg_1min_per_run']}"
        )
    lexical = result["lexical_inference"]
    print(f"  tfidf+logreg        {lexical['letters_per_s']:>7.1f} letters/s")
