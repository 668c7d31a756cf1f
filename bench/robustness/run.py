"""How much of the real-world corpus eAkte refuses (issue #15), through the real pipeline.

    python -m bench.robustness.corpus      # once: fetch the corpora, write manifest.json
    python -m bench.robustness.run         # ingest every file and mail, report
    python -m bench.robustness.run --ocr   # the same with Tesseract on every page (slow)

Every file goes through the local runner with the real handlers, sniffing, text
layers, signature check and splits, in one batch (a batch that stops fails the run). By
default pages are drawn (rendered or decoded, at 150 dpi, fitted to Tesseract's size
limit) but not read by Tesseract, which measures acceptance, not OCR quality.

Figures: of the files poppler or Pillow read (manifest), how many are quarantined (goal
at most 2 %); of the mails the standard library parses, how many are stored (goal all);
on how many eAkte's attachment records equal the standard library's ``iter_attachments``
count (goal 98 %; ``attachments_match_share_raw``), and on how many they agree part by
part (``attachments_match_share``): every part ``iter_attachments`` yields is accounted
for by eAkte (a record of its own, read into the mail's text, or kept in the mail with a
note; ``MailContent.accounted``), and every record beyond those is a part its sender
named or marked as an attachment; whether every input's original is in the store
(nothing lost).
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

from bench.robustness.corpus import ARTIFACTS, MANIFEST, stdlib_attachment_parts
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
                    **(_mail_parts(path) if entry["corpus"] == "mail" else {}),
                    "stdlib_attachments": entry.get("email", {}).get("stdlib_attachments"),
                }
            )
        ctx.index.close()
    notable = [row for row in rows if _notable(row)]  # the rest: stored as expected
    return {"ocr": ocr, "seconds": round(seconds, 1), "summary": summarise(rows), "rows": notable}


def _notable(row: dict[str, Any]) -> bool:
    if row["status"] == "quarantined" or (not row["kept"] and row["status"] != "duplicate"):
        return True
    return row["corpus"] == "mail" and not (_raw_match(row) and _part_match(row))


def _mail_parts(path: Path) -> dict[str, Any]:
    """Part by part: what ``iter_attachments`` yields that eAkte does not account for
    (or takes for another rendering of the body), and eAkte's records of parts it does
    not yield, each with whether its sender named it or marked it as an attachment."""
    from email import policy
    from email.parser import BytesParser

    from ingest.email_message import read_message
    from ingest.mail_tree import part_numbers

    data = path.read_bytes()
    try:
        content = read_message(data, max_attachments=10_000)
    except EakteError:
        return {"stdlib_unaccounted": None, "records_beyond_stdlib": None}
    accounted = content.accounted
    message = BytesParser(policy=policy.default).parsebytes(data)
    numbers = part_numbers(message)
    by_number = {numbers[id(part)]: part for part in message.walk()}
    stdlib = {numbers[id(part)] for part in stdlib_attachment_parts(message)}
    taken = {n for n, how in accounted.items() if how != "alternative"}
    unaccounted = sorted(n for n in stdlib if not _within(n, taken))
    beyond = {
        n: _sender_attached(by_number[n])
        for n, how in accounted.items()
        if how == "attachment" and n not in stdlib and n in by_number
    }
    return {
        "stdlib_unaccounted": unaccounted,
        "records_beyond_stdlib": beyond,
        "attachments_read": len(content.attachments),
    }


def _within(number: str, taken: set[str]) -> bool:
    """The part, or a part inside it (a ``message/partial``'s text), went somewhere."""
    return number in taken or any(n.startswith(f"{number}.") for n in taken)


def _sender_attached(part: Any) -> bool:
    """Named, marked as an attachment, or a forwarded message (an enclosure by type)."""
    if part.get_content_type() == "message/rfc822":
        return True
    try:
        return bool(part.get_filename()) or part.get_content_disposition() == "attachment"
    except Exception:  # an undecodable name is still a name
        return True


def _raw_match(row: dict[str, Any]) -> bool:
    return bool(row["parts"] == row["stdlib_attachments"])


def _part_match(row: dict[str, Any]) -> bool:
    """Nothing ``iter_attachments`` yields is unaccounted for, every further record is one
    the sender attached, and the pipeline stored a record for each attachment read (a
    duplicate mail's records are those of its first copy)."""
    beyond = row.get("records_beyond_stdlib")
    stored_all = row["status"] == "duplicate" or row["parts"] == row.get("attachments_read")
    return (
        row.get("stdlib_unaccounted") == []
        and beyond is not None
        and all(beyond.values())
        and stored_all
    )


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
    matching = [r for r in stored if _part_match(r)]
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
        "attachments_match_share_raw": round(
            sum(1 for r in stored if _raw_match(r)) / max(1, len(stored)), 4
        ),
        "attachments_match_share": round(len(matching) / max(1, len(stored)), 4),
        "stdlib_attachments_unaccounted": sum(len(r["stdlib_unaccounted"] or []) for r in stored),
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
