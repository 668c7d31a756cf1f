"""Real-world S/MIME mails: does eAkte's verdict on a signed e-mail agree with OpenSSL on
whether the signed content is intact, and how long does a mail take?

Why: eAkte's S/MIME check was only tried on mails it made itself. The corpus
(``smime/manifest.json``, built by ``smime_corpus.py``) holds mails from Thunderbird's,
Bouncy Castle's, KDE's, simple-java-mail's and OpenSSL's test data. Both sides run
offline and without trust anchors, so the comparison is about integrity only:

- OpenSSL (``cms -verify -noverify``) says ``intact``, ``failed`` (digest or signature
  value) or ``unreadable`` (no S/MIME structure at the top of the mail).
- eAkte says ``failed`` for TOTAL_FAILED, ``intact`` for TOTAL_PASSED or INDETERMINATE
  with a signature found intact and cryptographically valid, ``other`` otherwise (no
  signature found, or one that could not be evaluated).

A file is comparable when OpenSSL says intact or failed. The dangerous directions are
eAkte TOTAL_FAILED on a mail OpenSSL finds intact, and eAkte intact on one OpenSSL finds
changed. A fixed half of the files (``split`` in the manifest, by the SHA-256 of the
name) is held out: it is never looked at when the code is changed.

Run from the repository root: `.venv/bin/python bench/signatures/smime_realworld.py`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so `python bench/signatures/smime_realworld.py` works
    sys.path.insert(0, str(ROOT))

from bench.signatures.smime_corpus import FILES, MANIFEST, openssl_says  # noqa: E402
from signatures.service import PyHankoValidator  # noqa: E402

COMPARABLE = ("intact", "failed")


def run_eakte(validator: PyHankoValidator, path: Path) -> dict[str, Any]:
    """One ``validate`` call as ingest makes it for a mail; a crash is a finding."""
    data = path.read_bytes()
    began = time.perf_counter()
    try:
        check = validator.validate(
            path, "smime", sha256=hashlib.sha256(data).hexdigest(), filename=path.name
        )
    except Exception as exc:
        elapsed = time.perf_counter() - began
        return {
            "verdict": "CRASH",
            "sub_indication": type(exc).__name__,
            "reason": str(exc)[:300],
            "integrity": "other",
            "signatures": 0,
            "seconds": round(elapsed, 4),
        }
    elapsed = time.perf_counter() - began
    findings = check.signatures
    worst = next(
        (f for f in findings if f.get("sub_indication") == check.sub_indication),
        findings[0] if findings else {},
    )
    if check.verdict == "TOTAL_FAILED":
        integrity = "failed"
    elif check.verdict in ("TOTAL_PASSED", "INDETERMINATE") and any(
        f.get("intact") and f.get("cryptographically_valid") for f in findings
    ):
        integrity = "intact"
    else:
        integrity = "other"
    return {
        "verdict": check.verdict,
        "sub_indication": check.sub_indication,
        "reason": str(worst.get("explanation", ""))[:300],
        "integrity": integrity,
        "signatures": len(findings),
        "seconds": round(elapsed, 4),
    }


def compare(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    validator = PyHankoValidator(trust_dir=None, crl_dir=None)
    rows = []
    for entry in entries:
        path = FILES / entry["name"]
        ours = run_eakte(validator, path)
        began = time.perf_counter()
        peer = openssl_says(path)
        peer_seconds = time.perf_counter() - began
        comparable = peer["integrity"] in COMPARABLE
        rows.append(
            {
                "file": entry["name"],
                "split": entry["split"],
                "source_says": entry["source_says"],
                "openssl": peer,
                "openssl_as_recorded": peer["integrity"] == entry["openssl"]["integrity"],
                "openssl_seconds": round(peer_seconds, 4),
                "eakte": ours,
                "comparable": comparable,
                "agree": comparable and ours["integrity"] == peer["integrity"],
            }
        )
    return rows


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    comparable = [r for r in rows if r["comparable"]]
    agree = sum(r["agree"] for r in comparable)
    seconds = [r["eakte"]["seconds"] for r in rows]
    return {
        "files": len(rows),
        "comparable": len(comparable),
        "agree": agree,
        "agree_percent": round(100 * agree / len(comparable), 1) if comparable else None,
        "eakte_failed_where_openssl_intact": [
            r["file"]
            for r in comparable
            if r["openssl"]["integrity"] == "intact" and r["eakte"]["integrity"] == "failed"
        ],
        "eakte_intact_where_openssl_failed": [
            r["file"]
            for r in comparable
            if r["openssl"]["integrity"] == "failed" and r["eakte"]["integrity"] == "intact"
        ],
        "crashes": [r["file"] for r in rows if r["eakte"]["verdict"] == "CRASH"],
        "median_seconds_per_mail": round(statistics.median(seconds), 4) if seconds else None,
        "max_seconds_per_mail": max(seconds) if seconds else None,
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "figures": {
            "all": figures(rows),
            "tuning": figures([r for r in rows if r["split"] == "tuning"]),
            "held_out": figures([r for r in rows if r["split"] == "held_out"]),
        },
        "by_source": dict(sorted(Counter(r["file"].split("/")[0] for r in rows).items())),
        "openssl_differs_from_manifest": [r["file"] for r in rows if not r["openssl_as_recorded"]],
        "differences": [
            {
                "file": r["file"],
                "split": r["split"],
                "source_says": r["source_says"],
                "openssl": r["openssl"]["integrity"],
                "openssl_reason": r["openssl"]["reason"],
                "eakte": f"{r['eakte']['verdict']} {r['eakte']['sub_indication'] or ''}".strip(),
                "eakte_reason": r["eakte"]["reason"],
            }
            for r in rows
            if not r["agree"]
        ],
    }


def print_summary(summary: dict[str, Any]) -> None:
    print(
        f"\n{'split':9} {'files':>5} {'comp':>5} {'agree':>5} {'%':>6} {'crash':>5} {'median s':>9}"
    )
    for split, f in summary["figures"].items():
        if not f["files"]:
            continue
        percent = f"{f['agree_percent']:6.1f}" if f["agree_percent"] is not None else "     -"
        print(
            f"{split:9} {f['files']:5} {f['comparable']:5} {f['agree']:5} {percent} "
            f"{len(f['crashes']):5} {f['median_seconds_per_mail']:9.4f}"
        )
    every = summary["figures"]["all"]
    print(
        f"\neAkte TOTAL_FAILED where OpenSSL intact: {every['eakte_failed_where_openssl_intact']}"
    )
    print(f"eAkte intact where OpenSSL failed: {every['eakte_intact_where_openssl_failed']}")
    print(
        f"\n{len(summary['differences'])} not agreeing (file | source | OpenSSL | eAkte | reason):"
    )
    for d in summary["differences"]:
        print(
            f"  {d['file']} [{d['split']}] | {d['source_says'] or '-'} | {d['openssl']} | "
            f"{d['eakte']} | {d['eakte_reason'][:70]}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/smime_realworld.json")
    parser.add_argument(
        "--split", choices=["all", "tuning", "held_out"], default="all",
        help="run on one half only (change code looking at tuning only)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    manifest = json.loads(MANIFEST.read_text())
    entries = [e for e in manifest["files"] if args.split in ("all", e["split"])]
    load_start = os.getloadavg()
    rows = compare(entries)
    summary = summarise(rows)
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_at_start": load_start,
            "loadavg_at_end": os.getloadavg(),
        },
        "peer": f"{openssl.strip()}: cms -verify -noverify -inform SMIME (integrity, no chain)",
        "eakte": f"signatures.service.PyHankoValidator, pyHanko {version('pyhanko')}, offline,"
        " no trust anchors",
        "split": args.split,
        "manifest_sha256": hashlib.sha256(MANIFEST.read_bytes()).hexdigest(),
        **summary,
        "files": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print_summary(summary)
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
