"""Getting records back out: search, id lookup, manifests, reports and hash-verified
copies of originals.

The CLI and the web API answer from these functions alike; they differ only in how a
request arrives and how the answer (an ``eakte.contract`` model) leaves.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Protocol

from eakte.context import Context
from eakte.contract import ManifestView, ReportDocument, ReportFormat, SearchResponse
from eakte.errors import IntegrityError, RecordNotFound
from eakte.ports import Period, SearchResult
from eakte.record import Manifest, TransferNote, Verdict
from eakte.records import load_manifest, signature_report_key

CHUNK = 1024 * 1024
MIN_PREFIX = 6


def resolve_id(ctx: Context, record_id: str) -> str:
    """Accept a full SHA-256 or a unique prefix of one, as people copy ids from lists."""
    record_id = record_id.strip().lower()
    if len(record_id) == 64 and ctx.store.has_original(record_id):
        return record_id
    if len(record_id) < MIN_PREFIX or not all(c in "0123456789abcdef" for c in record_id):
        raise RecordNotFound(f"Kein Dokument mit der Kennung {record_id!r}")
    matches = [
        key.removeprefix("manifests/").removesuffix(".json")
        for key in ctx.store.list_derived("manifests")
        if key.removeprefix("manifests/").startswith(record_id)
    ]
    if len(matches) != 1:
        reason = "mehrdeutig" if matches else "unbekannt"
        raise RecordNotFound(f"Kennung {record_id!r} ist {reason}")
    return matches[0]


def get_manifest(ctx: Context, record_id: str) -> Manifest:
    full_id = resolve_id(ctx, record_id)
    manifest = load_manifest(ctx.store, full_id)
    if manifest is None:
        raise RecordNotFound(f"Zur Kennung {full_id} gibt es noch kein Manifest")
    return manifest


class Search(Protocol):
    """``SearchIndex.search``, or the web's search restricted to the caller's groups."""

    def __call__(self, query: str, *, limit: int, filters: Mapping[str, str]) -> SearchResult: ...


class ReversedRange(ValueError):
    """The end of a receipt range lies before its start: refused rather than answered
    with nothing, since the caller most likely swapped them."""


def received_period(start: date | None, end: date | None) -> Period | None:
    """The ``received`` filter for ``SearchIndex``; None when neither end is given."""
    if start is not None and end is not None and end < start:
        raise ReversedRange(f"{end} < {start}")
    return Period(start, end) if start is not None or end is not None else None


def search_records(
    search: Search, query: str, *, limit: int, signature: Verdict | None
) -> SearchResponse:
    """Full-text search, optionally only records with this signature verdict; the
    caller has checked that there is a query or a verdict to search for."""
    filters = {"signature": signature} if signature else {}
    return SearchResponse.of(search(query, limit=limit, filters=filters))


def manifest_view(ctx: Context, record_id: str) -> ManifestView:
    return ManifestView.of(get_manifest(ctx, record_id))


def stored_report(ctx: Context, manifest: Manifest) -> bytes | None:
    """The JSON report of the record's last signature validation, if there was one."""
    return ctx.store.get_derived(signature_report_key(manifest.id))


def signature_report(ctx: Context, record_id: str, fmt: ReportFormat) -> ReportDocument:
    """The Prüfprotokoll as stored (JSON) or rendered for people (PDF)."""
    manifest = get_manifest(ctx, record_id)
    data = stored_report(ctx, manifest)
    if data is None:
        raise RecordNotFound(
            f"Zu {manifest.id[:12]}… gibt es noch keinen Prüfbericht: `eakte verify` ausführen"
        )
    if manifest.transfer_note is not None:
        data = with_transfer_note(data, manifest.transfer_note)
    content = ctx.signatures.render_report(data) if fmt == "pdf" else data
    return ReportDocument(record_id=manifest.id, format=fmt, content=content)


def with_transfer_note(report_json: bytes, note: TransferNote) -> bytes:
    """The stored report with the scan's Transfervermerk: the note belongs to the
    record, the report to one validation, so they meet when the Prüfprotokoll is made."""
    report = json.loads(report_json)
    report["transfer_note"] = note.model_dump(mode="json")
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")


def copy_original_verified(ctx: Context, record_id: str, destination: Path) -> str:
    """Copy the original to ``destination`` only if its bytes still hash to the id.

    The copy goes to a temp file beside the destination and is renamed into place after
    the check, so a damaged original never appears under the requested name.
    """
    full_id = resolve_id(ctx, record_id)
    if not ctx.store.has_original(full_id):
        raise RecordNotFound(f"Original zur Kennung {full_id} fehlt im Speicher")
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    try:
        with ctx.store.open_original(full_id) as source, open(tmp, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != full_id:
            raise IntegrityError(
                f"Original {full_id[:12]}… ist beschädigt: Prüfsumme stimmt nicht, nicht ausgegeben"
            )
        os.replace(tmp, destination)
    finally:
        tmp.unlink(missing_ok=True)
    return full_id


def copy_rendition(ctx: Context, manifest: Manifest, name: str, destination: Path) -> str:
    """Write a derived rendition (the archival PDF/A) of the record; its key."""
    key = manifest.renditions.get(name)
    data = ctx.store.get_derived(key) if key else None
    if key is None or data is None:
        raise RecordNotFound(
            f"Zu {manifest.id[:12]}… gibt es keine Archivfassung "
            "(nur gescannte Dokumente haben eine)"
        )
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.part")
    tmp.write_bytes(data)
    os.replace(tmp, destination)
    return key
