"""How much of the real-world corpus eAkte refuses (issue #15), through the real pipeline.

    python -m bench.robustness.corpus      # once: fetch the corpora, write manifest.json
    python -m bench.robustness.run         # ingest every file and mail, report
    python -m bench.robustness.run --ocr   # the same with Tesseract on every page (slow)

Every file goes through the local runner with the real handlers, sniffing, text
layers, signature check and splits, in one batch (a batch that stops fails the run). By
default pages are drawn (rendered or decoded, at 150 dpi, fitted to Tesseract's size
limit) but not read by Tesseract, which measures acceptance, not OCR quality.

Figures: of the files poppler or Pillow read (manifest), how many are quarantined (goal
at most 2 %); of the mails the standard library parses, how many are stored (goal all)
and on how many the parts eAkte accounts for match the standard library's attachment
count (goal 98 %): parts stored as records plus parts read into the mail's text or
kept in it (further text parts, invitations, inline images; ``MailContent.in_mail``);
whether every input's original is in the store (nothing lost).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.robustness.corpus import ARTIFACTS, MANIFEST
from eakte.errors import EakteError
from eakte.local_runner import LocalRunner
from eakte.ports import PageJob, PageRead
from eakte.record import PageText
from eakte.records import load_manifest
from eakte.settings import Settings
from eakte.wiring import build_context
from ingest.resolution import fit_for_tesseract

RESULTS = Path(__file__).resolve().parents[1] / "results" / "robustness.json"


@dataclasses.dataclass(frozen=True)
class DrawOnlyReader:
    """Draws each page as OCR would get it, without reading it."""

    dpi: int = 150

    def read(self, job: PageJob) -> PageRead:
        image = fit_for_tesseract(job.source.page_image(Path(job.path), job.index, self.dpi))
        image.load()
        return PageRead(PageText(number=job.index + 1, text="", source="ocr"), None)


def reference_reads(entry: dict[str, Any]) -> bool:
    return bool((entry.get("poppler") or entry.get("pillow") or {}).get("reads"))


def run(entries: list[dict[str, Any]], *, ocr: bool, limit: int | None) -> dict[str, Any]:
    folders = {artifact.name: artifact.folder for artifact in ARTIFACTS}
    entries = entries[:limit] if limit else entries
    paths = [folders[entry["artifact"]] / entry["path"] for entry in entries]
    with tempfile.TemporaryDirectory(prefix="eakte-robustness-") as scratch:
        settings = Settings(
            data_dir=Path(scratch) / "data",
            model_cache_dir=Path(scratch) / "no-models",
            archive_rendition=False,
            workers=2,
        )
        ctx = build_context(settings)
        reader = ctx.pages if ocr else DrawOnlyReader()
        ctx = dataclasses.replace(ctx, classifier=None, pages=reader)
        started = time.perf_counter()
        outcomes = {o.path: o for o in LocalRunner(ctx).ingest(paths)}  # one batch
        seconds = time.perf_counter() - started
        rows = []
        for entry, path in zip(entries, paths, strict=True):
            outcome = outcomes[str(path)]
            record = load_manifest(ctx.store, outcome.id) if outcome.id else None
            rows.append(
                {
                    "artifact": entry["artifact"],
                    "path": entry["path"],
                    "corpus": entry["corpus"],
                    "reference_reads": reference_reads(entry)
                    if entry["corpus"] == "files"
                    else entry["email"]["parses"],
                    "status": outcome.status,
                    "kept": bool(outcome.id) and ctx.store.has_original(outcome.id),
                    "reason": _reason(record),
                    "error": outcome.error,
                    "parts": len(outcome.parts or []),
                    "in_mail": _in_mail(path) if entry["corpus"] == "mail" else None,
                    "stdlib_attachments": entry.get("email", {}).get("stdlib_attachments"),
                }
            )
        ctx.index.close()
    notable = [row for row in rows if _notable(row)]  # the rest: stored as expected
    return {"ocr": ocr, "seconds": round(seconds, 1), "summary": summarise(rows), "rows": notable}


def _notable(row: dict[str, Any]) -> bool:
    if row["status"] == "quarantined" or (not row["kept"] and row["status"] != "duplicate"):
        return True
    return (
        row["corpus"] == "mail"
        and row["parts"] + (row["in_mail"] or 0) != row["stdlib_attachments"]
    )


def _in_mail(path: Path) -> int | None:
    """Parts the mail's record reads into its text or keeps (``MailContent.in_mail``)."""
    from ingest.email_message import read_message

    try:
        return read_message(path.read_bytes(), max_attachments=10_000).in_mail
    except EakteError:
        return None


def _reason(record: Any) -> str | None:
    if record is None or record.status != "quarantined":
        return None
    for event in reversed(record.events):
        if event.kind == "quarantined":
            return str(event.details.get("reason"))
    return None


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    files = [r for r in rows if r["corpus"] == "files"]
    readable = [r for r in files if r["reference_reads"]]
    refused = [r for r in readable if r["status"] == "quarantined"]
    mails = [r for r in rows if r["corpus"] == "mail" and r["reference_reads"]]
    stored = [r for r in mails if r["status"] in ("stored", "duplicate")]
    matching = [r for r in stored if r["parts"] + (r["in_mail"] or 0) == r["stdlib_attachments"]]
    return {
        "files": len(files),
        "files_reference_reads": len(readable),
        "files_refused": len(refused),
        "files_refused_share": round(len(refused) / max(1, len(readable)), 4),
        "refused_reasons": dict(Counter(str(r["reason"]) for r in refused)),
        "files_not_read_by_reference_but_stored": sum(
            1 for r in files if not r["reference_reads"] and r["status"] == "stored"
        ),
        "mails_parsed": len(mails),
        "mails_stored": len(stored),
        "attachments_match_share": round(len(matching) / max(1, len(stored)), 4),
        "originals_lost": sum(1 for r in rows if r["status"] != "duplicate" and not r["kept"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ocr", action="store_true", help="read every page with Tesseract")
    parser.add_argument("--limit", type=int, help="only the first N manifest entries")
    parser.add_argument("--corpus", choices=["files", "mail"], help="only one corpus")
    args = parser.parse_args()
    entries = json.loads(MANIFEST.read_text())
    if args.corpus:
        entries = [e for e in entries if e["corpus"] == args.corpus]
    result = run(entries, ocr=args.ocr, limit=args.limit)
    RESULTS.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    json.dump(result["summary"], sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
