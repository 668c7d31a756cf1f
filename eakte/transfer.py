"""The Transfervermerk of BSI TR-03138 (RESISCAN): what a scanned Dokument must say so
its paper may be replaced by the scan.

A Dokument counts as scanned when at least one of its pages was read by OCR (an image,
a scanned or mixed PDF, a letter split from a scan batch): only those pages went
through the rescan checks (``ingest.page_quality``). What arrived by e-mail gets none:
whoever scanned it, the paper is the sender's, not ours to destroy. The note is built once, when the
record is finished (``eakte.pipeline.finish``), from what the record already knows:

- who scanned: ``received_by`` (``eakte ingest --scanner-person``, ``EAKTE_SCAN_OPERATOR``
  or the web upload's user); nobody named stays "nicht angegeben";
- when: the receipt, and the scan time the file itself states (PDF CreationDate, TIFF
  or EXIF DateTime), if any;
- device: the file's Creator/Producer or Make/Model/Software;
- batch: the scanned file and, for a letter split from a batch, its page span;
- QA: every OCR page's rescan reasons.

Rule for destroying the paper (TR-03138: only after a successful quality control and
when no legal reason requires keeping it), in this order:

1. any scanned page flagged for rescanning: **nein**;
2. the Dokument's type is one whose paper must be kept (``EAKTE_PAPER_KEEP_TYPES``,
   e.g. Urkunden, Vollmachten with a signature on paper): **nein**;
3. such types are configured but the type is unknown or still unsure (not confirmed by a
   person): **nein**, a person decides;
4. otherwise **ja**.

eAkte cannot see a signature in ink; the keep list is where a city names the documents
whose paper has evidential value of its own.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from eakte.errors import EakteError
from eakte.ports import PdfSealer
from eakte.record import Event, FlaggedPage, Manifest, TransferNote
from eakte.settings import Settings

TITLE = "Transfervermerk (BSI TR-03138 RESISCAN)"
SEALED, NOT_SEALED = "rendition_sealed", "rendition_not_sealed"


def is_scanned(manifest: Manifest) -> bool:
    """A scan of paper we hold: pages read by OCR, not brought by e-mail."""
    mailed = manifest.channel == "email" or manifest.fields.get("mail_attachment") is True
    return not mailed and any(page.source == "ocr" for page in manifest.pages)


def seal_rendition(data: bytes, sealer: PdfSealer | None) -> tuple[bytes, Event | None]:
    """The rendition with a document timestamp when a TSA is set, and the event saying
    so. A TSA that fails costs the seal, not the rendition (the event says why)."""
    if sealer is None:
        return data, None
    try:
        sealed = sealer(data)
    except EakteError as exc:
        message = f"Archivfassung ohne Dokumentzeitstempel: {exc.message}"
        return data, Event(kind=NOT_SEALED, message=message, details={"reason": exc.message})
    details = {
        "time": sealed.time.isoformat(),
        "tsa": sealed.tsa,
        "sha256": hashlib.sha256(sealed.data).hexdigest(),
    }
    event = Event(kind=SEALED, message="Archivfassung mit Dokumentzeitstempel", details=details)
    return sealed.data, event


def note_transfer(manifest: Manifest, settings: Settings) -> Manifest:
    """The manifest with its Transfervermerk, if it is a scan."""
    if not is_scanned(manifest):
        return manifest
    return manifest.model_copy(update={"transfer_note": build_note(manifest, settings)})


def build_note(manifest: Manifest, settings: Settings) -> TransferNote:
    scanned = [page for page in manifest.pages if page.source == "ocr"]
    flagged = [FlaggedPage(number=p.number, reasons=list(p.rescan)) for p in scanned if p.rescan]
    allowed, reason = paper_may_be_destroyed(manifest, flagged, keep_types(settings))
    fields = manifest.fields
    span = fields.get("batch_pages")
    seal = next((e for e in reversed(manifest.events) if e.kind in (SEALED, NOT_SEALED)), None)
    sealed = seal is not None and seal.kind == SEALED
    return TransferNote(
        scanned_by=manifest.received_by,
        received_at=manifest.received_at,
        scanned_at=_time(fields.get("scan_time")),
        device=_text(fields.get("scan_device")),
        batch=_text(fields.get("batch_file")) or manifest.original_filename,
        batch_pages=list(span) if isinstance(span, list) and len(span) == 2 else None,
        pages_checked=len(scanned),
        qa_passed=not flagged,
        flagged=flagged,
        paper_destruction_allowed=allowed,
        paper_destruction_reason=reason,
        rendition_sha256=seal.details.get("sha256") if seal and sealed else None,
        rendition_timestamp=_time(seal.details.get("time")) if seal and sealed else None,
        rendition_tsa=seal.details.get("tsa") if seal and sealed else None,
        rendition_not_sealed=seal.details.get("reason") if seal and not sealed else None,
    )


def keep_types(settings: Settings) -> frozenset[str]:
    return frozenset(
        name.strip().lower() for name in settings.paper_keep_types.split(",") if name.strip()
    )


def paper_may_be_destroyed(
    manifest: Manifest, flagged: list[FlaggedPage], keep: frozenset[str]
) -> tuple[bool, str]:
    """The decision and its reason in German (the rule in this module's docstring)."""
    if flagged:
        pages = ", ".join(str(page.number) for page in flagged)
        return False, f"nein: Seite {pages} muss neu gescannt werden"
    found = manifest.classification
    if found is not None and found.type.lower() in keep:
        return False, f"nein: Papier der Dokumentart „{found.label}“ ist aufzubewahren"
    if keep and (found is None or (found.needs_review and not found.corrected)):
        return False, "nein: Dokumentart ungeklärt; ob das Papier bleibt, entscheidet eine Person"
    return True, "ja: Qualitätsprüfung bestanden, kein Grund zur Aufbewahrung des Papiers bekannt"


def note_rows(note: TransferNote) -> list[tuple[str, str]]:
    """The note as German label/value rows: the Prüfprotokoll and `eakte show` alike."""
    when = f"eingegangen {_when(note.received_at)}"
    if note.scanned_at is not None:
        when += f"; gescannt {_when(note.scanned_at)} (Angabe der Datei)"
    batch = note.batch
    if note.batch_pages:
        batch += f", Seiten {note.batch_pages[0]}–{note.batch_pages[1]}"
    if note.qa_passed:
        quality = f"bestanden (geprüfte gescannte Seiten: {note.pages_checked})"
    else:
        found = "; ".join(f"Seite {p.number}: {', '.join(p.reasons)}" for p in note.flagged)
        quality = f"nicht bestanden – neu scannen: {found}"
    rows = [
        ("Gescannt von", note.scanned_by or "nicht angegeben (EAKTE_SCAN_OPERATOR)"),
        ("Zeitpunkt", when),
        ("Gerät", note.device or "nicht angegeben"),
        ("Stapel", batch),
        ("Qualitätsprüfung", quality),
        ("Vernichtung des Papieroriginals zulässig", note.paper_destruction_reason),
    ]
    if note.rendition_timestamp is not None:
        sealed = f"Dokumentzeitstempel vom {_when(note.rendition_timestamp)}, {note.rendition_tsa}"
        rows.append(("Archivfassung (PDF/A) versiegelt", sealed))
        rows.append(("SHA-256 der Archivfassung", note.rendition_sha256 or ""))
    elif note.rendition_not_sealed:
        rows.append(("Archivfassung (PDF/A) versiegelt", f"nein: {note.rendition_not_sealed}"))
    rows.append(("Grundlage", note.reference))
    return rows


def _when(moment: datetime) -> str:
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%d.%m.%Y, %H:%M:%S UTC")


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _time(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
