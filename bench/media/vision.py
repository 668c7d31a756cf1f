"""What an image shows (media/vision.py) on a labelled set of real, openly licensed photos:
tagging precision/recall per German tag and micro-averaged, face counts, and
images/second on this CPU, against Pillow decoding and thumbnailing the same images
(what the photo handler does anyway) measured in the same run.

    PYTHONPATH=$PWD .venv/bin/python bench/media/vision.py [--threads 1] [--repeat 3]

The photos are tests/data/photos (longest side 384 px); labels, sources and licences in
bench/media/vision_labels.csv. Results: bench/results/media_vision.json."""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from PIL import Image

from media.vision import VisionDescriber, model_id

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT / "tests" / "data" / "photos"
LABELS = Path(__file__).with_name("vision_labels.csv")
RESULT = ROOT / "bench" / "results" / "media_vision.json"


def load_labels() -> list[dict[str, Any]]:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "file": row["file"],
                "tags": {t for t in row["tags"].split(";") if t},
                "faces": int(row["faces"]),
            }
            for row in csv.DictReader(handle)
        ]


def ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per image")
    args = parser.parse_args()
    labels = load_labels()
    images = {}
    for row in labels:
        with Image.open(PHOTOS / row["file"]) as image:
            image.load()
            images[row["file"]] = image.copy()

    describer = VisionDescriber(threads=args.threads)
    started = time.perf_counter()
    describer.describe(images[labels[0]["file"]])  # loads the models
    load_seconds = time.perf_counter() - started

    described, seconds, peer_seconds = {}, [], []
    for row in labels:
        image = images[row["file"]]
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            described[row["file"]] = describer.describe(image)
            runs.append(time.perf_counter() - started)
        seconds.append(statistics.median(runs))
        peer = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            with Image.open(PHOTOS / row["file"]) as fresh:
                fresh.convert("RGB").thumbnail((256, 256))
            peer.append(time.perf_counter() - started)
        peer_seconds.append(statistics.median(peer))

    automatic = {rule.name for rule in describer.rules if rule.automatic}
    per_tag: dict[str, dict[str, Any]] = {}
    for rule in describer.rules:
        tp = fp = fn = 0
        for row in labels:
            given = rule.name in described[row["file"]].tags
            wanted = rule.name in row["tags"]
            tp += given and wanted
            fp += given and not wanted
            fn += wanted and not given
        per_tag[rule.name] = {
            "support": tp + fn,
            "given": tp + fp,
            "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, tp + fn),
            "automatic": rule.name in automatic,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }

    def micro(names: set[str]) -> dict[str, Any]:
        tp = sum(per_tag[n]["tp"] for n in names)
        fp = sum(per_tag[n]["fp"] for n in names)
        fn = sum(per_tag[n]["fn"] for n in names)
        precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
        f1 = (
            round(2 * precision * recall / (precision + recall), 3)
            if precision and recall
            else None
        )
        return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}

    faces_exact = sum(described[r["file"]].faces == r["faces"] for r in labels)
    with_face = [r for r in labels if r["faces"] > 0]
    without_face = [r for r in labels if r["faces"] == 0]
    median_s = statistics.median(seconds)
    peer_median_s = statistics.median(peer_seconds)
    result = {
        "model": model_id(),
        "images": len(labels),
        "cpu": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": args.threads,
        "model_load_seconds": round(load_seconds, 2),
        "tagging_micro_all_tags": micro(set(per_tag)),
        "tagging_micro_automatic_tags": micro(automatic),
        "per_tag": per_tag,
        "faces": {
            "count_exact": faces_exact,
            "count_accuracy": ratio(faces_exact, len(labels)),
            "found_on_images_with_faces": sum(described[r["file"]].faces > 0 for r in with_face),
            "images_with_faces": len(with_face),
            "false_faces_on_images_without": sum(described[r["file"]].faces for r in without_face),
            "images_without_faces": len(without_face),
        },
        "speed": {
            "median_seconds_per_image": round(median_s, 4),
            "images_per_second": round(1 / median_s, 2),
            "peer": "Pillow open + RGB + thumbnail(256), same images, same run",
            "peer_images_per_second": round(1 / peer_median_s, 1),
            "ratio_describe_to_peer_time": round(median_s / peer_median_s, 1),
        },
        "predictions": {
            r["file"]: {
                "truth": sorted(r["tags"]),
                "given": list(described[r["file"]].tags),
                "scores": dict(described[r["file"]].scores),
                "faces_truth": r["faces"],
                "faces": described[r["file"]].faces,
            }
            for r in labels
        },
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(labels)} images; model load {load_seconds:.1f} s")
    print(f"{'tag':14s} {'support':>7s} {'given':>5s} {'precision':>9s} {'recall':>6s}")
    for name, row in per_tag.items():
        mark = "" if row["automatic"] else "  (never given: model cannot see it)"
        print(
            f"{name:14s} {row['support']:7d} {row['given']:5d} "
            f"{row['precision']!s:>9s} {row['recall']!s:>6s}{mark}"
        )
    print("micro, all tags:      ", result["tagging_micro_all_tags"])
    print("micro, automatic tags:", result["tagging_micro_automatic_tags"])
    print("faces:", result["faces"])
    print("speed:", result["speed"])


if __name__ == "__main__":
    main()
