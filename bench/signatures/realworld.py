"""Real-world signatures: does eAkte's document verdict agree with EU DSS 6.4's, and how
long does each take per signature?

Why: on the test PKI our verdicts are exact by construction; on signatures made by other
software and CAs they are not known until compared with the reference implementation.
Both run offline and without trust anchors (a real-world chain is then untrusted: the
honest answer is INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND, never TOTAL_FAILED unless a
digest or a signature value fails). The corpus and its fixed held-out split are in
realworld_manifest.json (see realworld_corpus.py); tune on "tuning" only.

Run from the repository root: `.venv/bin/python bench/signatures/realworld.py`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/signatures/realworld.py` finds the packages
    sys.path.insert(0, str(ROOT))

from bench.signatures.realworld_corpus import fetch, load_manifest  # noqa: E402
from eakte.errors import InputRejected  # noqa: E402
from scripts.dss import DSS_VERSION, DssResult, validate  # noqa: E402
from signatures.service import PyHankoValidator  # noqa: E402

MANY_SIGNATURES = "dss-pades/validation/51sigs.pdf"
NO_VERDICT = "NOT_EVALUATED"  # the validator refused the file as unreadable


@dataclass(frozen=True)
class Ours:
    """eAkte's answer on one file; ``crashed`` means an exception escaped the validator."""

    verdict: str
    sub_indication: str | None
    reason: str
    signatures: int
    seconds: float
    crashed: bool = False


def run_eakte(validator: PyHankoValidator, path: Path, detached: Path | None) -> Ours:
    """One ``validate`` call as ingest makes it: PDFs as "pdf", everything else as CMS."""
    kind = "pdf" if path.suffix.lower() == ".pdf" else "cms"
    began = time.perf_counter()
    try:
        check = validator.validate(
            path, kind, sha256="0" * 64, filename=path.name, detached_content=detached
        )
    except InputRejected as exc:
        elapsed = time.perf_counter() - began
        return Ours(NO_VERDICT, type(exc).__name__, exc.message, 0, elapsed)
    except Exception as exc:  # a crash is a finding, not the end of the run
        elapsed = time.perf_counter() - began
        return Ours("CRASH", type(exc).__name__, str(exc)[:300], 0, elapsed, crashed=True)
    elapsed = time.perf_counter() - began
    worst = next(
        (s for s in check.signatures if s.get("sub_indication") == check.sub_indication),
        check.signatures[0] if check.signatures else {},
    )
    reason = str(worst.get("explanation", ""))
    return Ours(check.verdict, check.sub_indication, reason, len(check.signatures), elapsed)


def theirs(result: DssResult) -> tuple[str, str | None]:
    """DSS's verdict; a file DSS cannot read at all is, like ours, not evaluated."""
    if result.verdict == "ERROR":
        return NO_VERDICT, None
    return result.verdict, result.sub_indication


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def agreement(rows: list[dict[str, Any]]) -> dict[str, Any]:
    same = sum(row["agree"] for row in rows)
    strict = sum(row["agree_with_sub_indication"] for row in rows)
    total = len(rows)
    return {
        "files": total,
        "agree": same,
        "agree_percent": round(100 * same / total, 1) if total else None,
        "agree_with_sub_indication": strict,
        "agree_with_sub_indication_percent": round(100 * strict / total, 1) if total else None,
    }


def timing(seconds_per_file: list[tuple[float, int]]) -> dict[str, float]:
    """Per signature: a file's time divided by its signatures, counted once per signature."""
    per_signature = [s / n for s, n in seconds_per_file if n for _ in range(n)]
    return {
        "median_seconds_per_signature": round(statistics.median(per_signature), 4),
        "p95_seconds_per_signature": round(percentile(per_signature, 0.95), 4),
        "signatures": len(per_signature),
    }


def compare(corpus: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    entries = [f for f in manifest["files"] if f["role"] == "validated"]
    paths = [corpus / f["name"] for f in entries]
    detached = {
        corpus / f["name"]: corpus / f["detached_content"]
        for f in entries
        if f.get("detached_content")
    }
    began = time.perf_counter()
    dss = validate(paths, detached=detached)
    dss_wall = time.perf_counter() - began
    validator = PyHankoValidator(trust_dir=None, crl_dir=None)
    rows = []
    for entry, peer in zip(entries, dss, strict=True):
        path = corpus / entry["name"]
        ours = run_eakte(validator, path, detached.get(path))
        verdict, sub = theirs(peer)
        rows.append(
            {
                "file": entry["name"],
                "origin": entry["origin"],
                "country": entry["country"],
                "split": entry["split"],
                "dss": {"verdict": verdict, "sub_indication": sub, "error": peer.error},
                "dss_as_recorded": entry["dss"]["verdict"] == peer.verdict,
                "eakte": {
                    "verdict": ours.verdict,
                    "sub_indication": ours.sub_indication,
                    "reason": ours.reason,
                },
                "agree": ours.verdict == verdict,
                "agree_with_sub_indication": (ours.verdict, ours.sub_indication) == (verdict, sub),
                "dss_signatures": len(peer.signatures),
                "eakte_signatures": ours.signatures,
                "dss_seconds": peer.seconds,
                "eakte_seconds": round(ours.seconds, 4),
            }
        )  # fmt: skip
    return {"rows": rows, "dss_jvm_wall_seconds": round(dss_wall, 1)}


def summarise(rows: list[dict[str, Any]], dss_wall: float) -> dict[str, Any]:
    real = [r for r in rows if r["origin"] == "real-world"]
    many = next((r for r in rows if r["file"] == MANY_SIGNATURES), None)
    false_failed = [
        r["file"]
        for r in rows
        if r["eakte"]["verdict"] == "TOTAL_FAILED" and r["dss"]["verdict"] != "TOTAL_FAILED"
    ]
    return {
        "agreement": {
            "all": agreement(rows),
            "tuning": agreement([r for r in rows if r["split"] == "tuning"]),
            "held_out": agreement([r for r in rows if r["split"] == "held_out"]),
            "real_world": agreement(real),
        },
        "real_world_files": len(real),
        "real_world_countries": dict(sorted(Counter(r["country"] or "?" for r in real).items())),
        "eakte_total_failed_where_dss_not": len(false_failed),
        "eakte_total_failed_where_dss_not_files": false_failed,
        "eakte_crashes": [r["file"] for r in rows if r["eakte"]["verdict"] == "CRASH"],
        "dss_differs_from_manifest": [r["file"] for r in rows if not r["dss_as_recorded"]],
        "timing": {
            "dss": timing([(r["dss_seconds"], r["dss_signatures"]) for r in rows]),
            "eakte": timing([(r["eakte_seconds"], r["eakte_signatures"]) for r in rows]),
            "dss_jvm_wall_seconds": dss_wall,
            "many_signatures": None
            if many is None
            else {
                "file": many["file"],
                "dss_signatures": many["dss_signatures"],
                "eakte_signatures": many["eakte_signatures"],
                "dss_seconds": many["dss_seconds"],
                "eakte_seconds": many["eakte_seconds"],
            },
        },
        "differences": [
            {
                "file": r["file"],
                "split": r["split"],
                "origin": r["origin"],
                "dss": f"{r['dss']['verdict']} {r['dss']['sub_indication'] or ''}".strip(),
                "eakte": f"{r['eakte']['verdict']} {r['eakte']['sub_indication'] or ''}".strip(),
                "eakte_reason": r["eakte"]["reason"],
            }
            for r in rows
            if not r["agree"]
        ],
    }


def print_summary(summary: dict[str, Any]) -> None:
    print(f"\n{'split':11} {'files':>5} {'agree':>5} {'%':>6}  {'+sub':>5} {'%':>6}")
    for split, a in summary["agreement"].items():
        print(
            f"{split:11} {a['files']:5} {a['agree']:5} {a['agree_percent']:6.1f}  "
            f"{a['agree_with_sub_indication']:5} {a['agree_with_sub_indication_percent']:6.1f}"
        )
    print(f"\neAkte TOTAL_FAILED where DSS is not: {summary['eakte_total_failed_where_dss_not']}")
    print(f"eAkte crashes: {len(summary['eakte_crashes'])}")
    t = summary["timing"]
    for side in ("dss", "eakte"):
        s = t[side]
        print(
            f"{side:6} median {s['median_seconds_per_signature']:.4f} s/signature, "
            f"p95 {s['p95_seconds_per_signature']:.4f} s ({s['signatures']} signatures)"
        )
    if t["many_signatures"]:
        m = t["many_signatures"]
        print(
            f"{m['file']}: DSS {m['dss_seconds']:.1f} s ({m['dss_signatures']} signatures), "
            f"eAkte {m['eakte_seconds']:.1f} s ({m['eakte_signatures']} signatures)"
        )
    print(f"\n{len(summary['differences'])} differences (file | DSS | eAkte | reason):")
    for d in summary["differences"]:
        print(f"  {d['file']} | {d['dss']} | {d['eakte']} | {d['eakte_reason'][:80]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench/results/signatures_realworld.json"
    )
    parser.add_argument("--snapshot", type=Path, help="git directory of a DSS snapshot")
    args = parser.parse_args(argv)
    # pyHanko logs a traceback per untrusted chain; the verdict is in the report
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    manifest = load_manifest()
    corpus = fetch(args.snapshot)
    load_start = os.getloadavg()
    compared = compare(corpus, manifest)
    summary = summarise(compared["rows"], compared["dss_jvm_wall_seconds"])
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_at_start": load_start,
            "loadavg_at_end": os.getloadavg(),
        },
        "peer": f"EU DSS {DSS_VERSION} (scripts/dss.py), offline, no trust anchors",
        "eakte": f"signatures.service.PyHankoValidator, pyHanko {version('pyhanko')}, offline",
        "manifest_sha256": hashlib.sha256(
            (Path(__file__).with_name("realworld_manifest.json")).read_bytes()
        ).hexdigest(),
        **summary,
        "files": compared["rows"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print_summary(summary)
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
