"""Time one PDF's signature validation with eAkte's own entry point.

Why: issue 14 item 7 sets a cost target per additional signature; a file with many
signatures (``51sigs.pdf``) shows whether work is shared between them. Prints the
total seconds and milliseconds per signature, median of the runs, and the verdict.
With ``--unshared`` each run also validates with pyHanko's default difference
analysis (no sharing), alternating, so both see the same machine load.

Run from the repository root:
`.venv/bin/python bench/signatures/many.py [PATH] [--runs 3] [--unshared]`.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/signatures/many.py` finds the packages
    sys.path.insert(0, str(ROOT))

from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY  # noqa: E402

import signatures.pades as pades  # noqa: E402
from bench.signatures.realworld_corpus import corpus_dir  # noqa: E402
from eakte.ports import SignatureCheck  # noqa: E402
from signatures.service import PyHankoValidator  # noqa: E402

DEFAULT = corpus_dir() / "dss-pades/validation/51sigs.pdf"


def timed(path: Path, digest: str) -> tuple[float, SignatureCheck]:
    """One validation as ingest runs it: a fresh validator, offline, no anchors."""
    validator = PyHankoValidator(trust_dir=None, crl_dir=None)
    began = time.perf_counter()
    check = validator.validate(path, "pdf", sha256=digest, filename=path.name)
    return time.perf_counter() - began, check


def report(label: str, times: list[float], check: SignatureCheck) -> None:
    count = max(len(check.signatures), 1)
    total = statistics.median(times)
    print(f"{label}: runs {', '.join(f'{t:.2f}' for t in times)} s; median {total:.2f} s")
    print(f"  per signature {total / count * 1000:.0f} ms ({len(check.signatures)} signatures)")
    print(f"  verdict {check.verdict} {check.sub_indication or ''}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--unshared", action="store_true", help="also time without sharing")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # pyHanko warns per signature; not the question
    digest = hashlib.sha256(args.path.read_bytes()).hexdigest()
    shared: list[float] = []
    unshared: list[float] = []
    checks: dict[str, SignatureCheck] = {}
    policy = pades.SHARED_DIFF_POLICY
    for _ in range(args.runs):
        pades.SHARED_DIFF_POLICY = policy
        seconds, checks["shared"] = timed(args.path, digest)
        shared.append(seconds)
        if args.unshared:
            pades.SHARED_DIFF_POLICY = DEFAULT_DIFF_POLICY  # type: ignore[assignment]
            seconds, checks["unshared"] = timed(args.path, digest)
            unshared.append(seconds)
    pades.SHARED_DIFF_POLICY = policy
    print(f"file: {args.path.name}")
    report("shared", shared, checks["shared"])
    if args.unshared:
        report("unshared", unshared, checks["unshared"])
        same = checks["shared"].signatures == checks["unshared"].signatures
        print(f"  same per-signature facts: {same}")


if __name__ == "__main__":
    main()
