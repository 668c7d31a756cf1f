"""A generated German training corpus for the default document types.

Real incoming post cannot be shared (it holds personal data), so the classifier is trained
and evaluated on letters written from templates: at least eight per type, in different
layouts (DIN 5008 letter, e-mail, form, official document) and registers, with hard cases
that use the words of other types, long letters with a Chronologie or Begründung, and
optional OCR noise.

Evaluation must measure generalisation to new wording, not recall of a template, so
`split_by_template` puts every template wholly into train or into eval.

    python -m samples.corpus OUT_DIR [--per-type N] [--seed S] [--noise F] [--split]

writes ``OUT/<type_id>/<n>.txt`` and ``OUT/corpus.csv`` (path,type,template; paths
relative to the CSV), the input format of ``eakte train --data``. Like the rest of
``samples`` it is a development package: not in the wheel nor in the image, it runs from
a source checkout, where the set-up builds the default model from it
(``python -m samples.default_model``).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from classify.types import load_types
from samples.corpus import (
    tpl_bauantrag,
    tpl_beschwerde,
    tpl_bewerbung,
    tpl_gemeinderat,
    tpl_gewerbe,
    tpl_kuendigung,
    tpl_rechnung,
    tpl_sitzung,
    tpl_sonstiges,
    tpl_strasse,
    tpl_widerspruch,
)
from samples.corpus.base import Ctx, Template
from samples.corpus.frame import add_ocr_noise, render
from samples.corpus.long import build_appendix

# The version of the generated letters, which the default model's stamp names
# (classify/default_model.py). Bump it with every change that alters a generated letter
# or the train/eval split: a template, the vocabulary, the frame, the long letters, the
# OCR noise, the split, or the sample-post building blocks used here (samples/_words.py,
# samples/_kinds.py, samples.letters.make_person). The set-up then tunes the encoder
# again (minutes). A change that leaves every letter as it was (a comment, a rename)
# needs no bump; tests/unit/test_corpus.py pins a digest of the letters to catch one
# that does.
CORPUS_VERSION = "1"

LONG_SHARE = 0.15  # share of letters with a long attachment (two to three pages)
CSV_NAME = "corpus.csv"

TEMPLATES: dict[str, tuple[Template, ...]] = {
    "rechnung": tpl_rechnung.TEMPLATES,
    "bauantrag": tpl_bauantrag.TEMPLATES,
    "widerspruch": tpl_widerspruch.TEMPLATES,
    "gewerbeanmeldung": tpl_gewerbe.TEMPLATES,
    "gemeinderat_anfrage": tpl_gemeinderat.TEMPLATES,
    "beschwerde": tpl_beschwerde.TEMPLATES,
    "kuendigung": tpl_kuendigung.TEMPLATES,
    "bewerbung": tpl_bewerbung.TEMPLATES,
    "strassenschaden": tpl_strasse.TEMPLATES,
    "sitzungsunterlage": tpl_sitzung.TEMPLATES,
    "sonstiges": tpl_sonstiges.TEMPLATES,
}


@dataclass(frozen=True)
class Example:
    text: str
    type_id: str
    template_id: str  # "<type_id>/<index>": the unit of the train/eval split
    hard: bool = False  # written to mention words of other types


def type_ids() -> list[str]:
    """The default types in the order of the types file; each must have templates."""
    ids = load_types().ids()
    if set(ids) != set(TEMPLATES):
        missing = sorted(set(ids) ^ set(TEMPLATES))
        raise ValueError(f"corpus templates and default types differ: {missing}")
    return ids


def generate_example(
    type_id: str, n: int, seed: int = 0, *, noise: float = 0.0, long_share: float = LONG_SHARE
) -> Example:
    """Letter number `n` of `type_id`; it depends only on (seed, type_id, n), so a bigger
    corpus extends a smaller one instead of reshuffling it."""
    templates = TEMPLATES[type_id]
    index = n % len(templates)
    rng = random.Random(f"{seed}/{type_id}/{n}")
    long = rng.random() < long_share
    ctx = Ctx(rng)
    draft = templates[index](ctx)
    appendix = build_appendix(ctx, type_id) if long else []
    text = render(ctx, draft, appendix)
    if noise:
        text = add_ocr_noise(text, noise, random.Random(f"noise/{seed}/{type_id}/{n}"))
    return Example(text, type_id, f"{type_id}/{index}", draft.hard)


def generate_corpus(
    per_type: int, seed: int = 0, *, noise: float = 0.0, long_share: float = LONG_SHARE
) -> list[Example]:
    """`per_type` letters of every default type, cycling through its templates.

    `noise` is the probability that a character is garbled as by OCR (0 for clean text).
    """
    if per_type < 1:
        raise ValueError("per_type must be at least 1")
    if not 0.0 <= noise < 1.0:
        raise ValueError(f"noise must be in [0, 1), got {noise}")
    return [
        generate_example(type_id, n, seed, noise=noise, long_share=long_share)
        for type_id in type_ids()
        for n in range(per_type)
    ]


def split_by_template(
    examples: Sequence[Example], eval_share: float = 0.25, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """(train, eval) with every template wholly on one side.

    Per type, about `eval_share` of its templates go to eval, but at least one and never
    all, so every type appears on both sides. Which ones depends only on `seed`.
    """
    if not 0.0 < eval_share < 1.0:
        raise ValueError(f"eval_share must be in (0, 1), got {eval_share}")
    by_type: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        by_type[example.type_id].add(example.template_id)
    held_out: set[str] = set()
    for type_id in sorted(by_type):
        templates = sorted(by_type[type_id])
        if len(templates) < 2:
            raise ValueError(f"type {type_id!r} needs two templates to split, has {templates}")
        random.Random(f"split/{seed}/{type_id}").shuffle(templates)
        count = min(len(templates) - 1, max(1, round(len(templates) * eval_share)))
        held_out.update(templates[:count])
    train = [e for e in examples if e.template_id not in held_out]
    evaluation = [e for e in examples if e.template_id in held_out]
    return train, evaluation


def write_corpus(out_dir: Path | str, examples: Sequence[Example]) -> Path:
    """Write ``OUT/<type_id>/<n>.txt`` and ``OUT/corpus.csv``; returns the CSV's path.

    Refuses a non-empty directory: stale files of an earlier, larger run would otherwise
    be read as training data by the folder layout.
    """
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    counters: Counter[str] = Counter()
    rows: list[tuple[str, str, str]] = []
    for example in examples:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", example.type_id):
            raise ValueError(f"type id {example.type_id!r} is not a folder name")
        relative = f"{example.type_id}/{counters[example.type_id]}.txt"
        counters[example.type_id] += 1
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(example.text, encoding="utf-8")
        rows.append((relative, example.type_id, example.template_id))
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / CSV_NAME
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("path", "type", "template"))
        writer.writerows(rows)
    return csv_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m samples.corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("out_dir", type=Path, help="directory to write into (new or empty)")
    parser.add_argument("--per-type", type=int, default=200, help="letters per type (200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise", type=float, default=0.0, help="OCR error rate per character")
    parser.add_argument("--split", action="store_true", help="write OUT/train and OUT/eval")
    parser.add_argument("--eval-share", type=float, default=0.25, help="templates held out")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        examples = generate_corpus(args.per_type, args.seed, noise=args.noise)
        if args.split:
            train, evaluation = split_by_template(examples, args.eval_share, args.seed)
            parts = [("train", train), ("eval", evaluation)]
            for name, part in parts:
                write_corpus(args.out_dir / name, part)
        else:
            parts = [("corpus", examples)]
            write_corpus(args.out_dir, examples)
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, part in parts:
        templates = len({e.template_id for e in part})
        print(f"{name}: {len(part)} letters from {templates} templates")
    print(f"written to {args.out_dir} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
