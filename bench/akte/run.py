"""Filing throughput: how many Dokumente per second the filing stage files from their
text, on generated letters that cite their Akte in the spellings letters use.

    .venv/bin/python bench/akte/run.py [--letters 2000] [--akten 200] [--out FILE.json]

Opens ``--akten`` Akten (real SQLite register in a temporary directory) under the
shipped Aktenplan, generates ``--letters`` replies (samples.letters), each citing one
Akte in one of five spellings (``32.10.05-2026/0042``, ``32.10.05 – 2026/42``,
``Az 32.10.05/2026-0042`` …), one in ten citing an Aktenzeichen that does not exist,
one in ten citing none. Then, per letter, what the pipeline's filing stage does after
classification: the field extraction (``classify.fields``) and ``AutoFiling.file_incoming``
(normalise, look up, append the filing event). Reports Dokumente/s for that path and for
the filing call alone, and checks every decision against the ground truth.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from accounts.db import open_database  # noqa: E402
from akten.filing import AutoFiling  # noqa: E402
from akten.plan import load_plan  # noqa: E402
from akten.registry import AktenRegister  # noqa: E402
from classify.fields import LetterFields  # noqa: E402
from eakte.filing import cited_references  # noqa: E402
from samples.letters import generate_letters  # noqa: E402

SEED = 18
SPELLINGS = (
    "Ihr Zeichen: {p}-{y}/{n:04d}",
    "Az.: {p} – {y}/{n}",
    "Az {p}/{y}-{n:04d}",
    "Unser Zeichen: {p} - {y} / {n:03d}",
    "Aktenzeichen: {p}-{y}/{n}",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--akten", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/akte.json")
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="bench-akte-") as folder:
        url = f"sqlite:///{Path(folder) / 'eakte.db'}"
        register = AktenRegister(open_database(url), load_plan(None))
        positions = sorted(register.plan.positions)
        akten = [
            register.open(
                rng.choice(positions), f"Akte {i}", actor="bench", opened_on=date(2026, 1, 1)
            )
            for i in range(args.akten)
        ]
        letters, truth = [], []
        for i, letter in enumerate(generate_letters(args.letters, seed=SEED)):
            roll = i % 10
            if roll == 9:  # none: the sender's own number only
                letters.append(letter.text)
                truth.append(None)
                continue
            akte = rng.choice(akten)
            position, rest = akte.aktenzeichen.split("-", 1)
            year, number = (int(x) for x in rest.split("/"))
            if roll == 8:  # a number that does not exist
                number += 10_000
            reference = rng.choice(SPELLINGS).format(p=position, y=year, n=number)
            letters.append(dataclasses.replace(letter, aktenzeichen=reference).text)
            truth.append(None if roll == 8 else akte.aktenzeichen)

        fields = LetterFields()
        filing = AutoFiling(url, None)
        extracted, started = [], time.perf_counter()
        for text in letters:
            extracted.append(cited_references(fields.extract(text)))
        extract_seconds = time.perf_counter() - started
        started = time.perf_counter()
        decisions = [
            filing.file_incoming(f"{i:064x}", date(2026, 3, 1), cited, text, None)
            for i, (cited, text) in enumerate(zip(extracted, letters, strict=True))
        ]
        file_seconds = time.perf_counter() - started
    right = sum(d.aktenzeichen == t for d, t in zip(decisions, truth, strict=True))
    filed = sum(d.aktenzeichen is not None for d in decisions)
    result = {
        "letters": args.letters,
        "akten": args.akten,
        "filed": filed,
        "decisions_right": right,
        "wrongly_filed": sum(
            d.aktenzeichen is not None and d.aktenzeichen != t
            for d, t in zip(decisions, truth, strict=True)
        ),
        "documents_per_second": round(args.letters / (extract_seconds + file_seconds), 1),
        "filing_only_per_second": round(args.letters / file_seconds, 1),
        "extract_seconds": round(extract_seconds, 3),
        "file_seconds": round(file_seconds, 3),
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
