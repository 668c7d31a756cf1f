"""The pipeline: stages in the order they run, each ``stage(manifest, ctx) -> manifest``.

    store_original → sniff → read_text_layer → check_signatures
        → plan_ocr / ocr_page / merge_ocr → classify_document → complete → index

Work on stored records after the fact (reverify, augment, reindex) is in
``eakte.maintenance``.

The local process pool (``eakte.local_runner``) and, later, the Celery workers call these
same functions; only the scheduling differs. The original is stored before anything
else looks at it, so a failure in any later stage loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from classify.fields import extract_fields, index_terms
from classify.types import load_types
from eakte import media_types, review
from eakte.errors import EakteError, InputRejected, LimitExceeded, ModelMissing, ToolFailed
from eakte.ports import (
    Classifier,
    IndexDocument,
    ObjectStore,
    Prediction,
    SearchIndex,
    SignatureCheck,
    SignatureValidator,
)
from eakte.record import (
    Channel,
    Classification,
    Event,
    Manifest,
    PageText,
    SignatureSummary,
    utc_now,
)
from eakte.settings import Settings
from ingest import images, pdf
from ingest.filenames import sanitize_filename
from ingest.pages import PageJob, PageRead, ocr_page
from ingest.sniff import HEAD_BYTES, sniff_media_type

Outcome = Literal["stored", "duplicate", "quarantined"]


@dataclass(frozen=True)
class Context:
    """Settings and adapters, passed to every stage instead of read from globals."""

    settings: Settings
    store: ObjectStore
    index: SearchIndex
    signatures: SignatureValidator
    classifier: Classifier | None = None


@dataclass(frozen=True)
class Received:
    """Result of ``store_original``: a new manifest, or the id of a known duplicate."""

    manifest: Manifest
    duplicate: bool


def manifest_key(record_id: str) -> str:
    return f"manifests/{record_id}.json"


def quarantine_key(record_id: str) -> str:
    return f"quarantine/{record_id}.json"


@contextmanager
def timed(stage: str, sink: list[Event]) -> Iterator[None]:
    """Record how long a stage took as an event (what ``bench/ingest`` sums up)."""
    started = time.perf_counter()
    yield
    sink.append(Event(kind="stage", stage=stage, seconds=round(time.perf_counter() - started, 6)))


def load_manifest(store: ObjectStore, record_id: str) -> Manifest | None:
    data = store.get_derived(manifest_key(record_id))
    return Manifest.from_json(data) if data is not None else None


def save_manifest(manifest: Manifest, ctx: Context) -> Manifest:
    ctx.store.put_derived(manifest_key(manifest.id), manifest.to_json())
    return manifest


# 1. store --------------------------------------------------------------------------


def store_original(path: Path, ctx: Context, channel: Channel = "cli") -> Received:
    """Stream the file into the store first; a known, processed original is a duplicate."""
    timings: list[Event] = []
    with timed("store", timings), open(path, "rb") as source:
        stored = ctx.store.put_original(source)
    existing = load_manifest(ctx.store, stored.sha256)
    if existing is not None and existing.status == "stored":
        return Received(manifest=existing, duplicate=True)
    history = existing.events if existing is not None else []
    manifest = Manifest(
        id=stored.sha256,
        sha256=stored.sha256,
        size=stored.size,
        channel=channel,
        original_filename=sanitize_filename(path.name),
        events=[*history, Event(kind="received", message=f"Eingang über {channel}"), *timings],
    )
    return Received(manifest=manifest, duplicate=False)


def duplicate_event(path: Path) -> Event:
    return Event(
        kind="duplicate",
        message="Dieselbe Datei ist erneut eingegangen",
        details={"filename": sanitize_filename(path.name)},
    )


def record_duplicate(manifest: Manifest, path: Path, ctx: Context) -> Manifest:
    return save_manifest(manifest.with_event(duplicate_event(path)), ctx)


# 2. sniff and limits -----------------------------------------------------------------


def sniff(manifest: Manifest, ctx: Context) -> Manifest:
    timings: list[Event] = []
    with timed("sniff", timings):
        limit = ctx.settings.max_file_bytes
        if manifest.size > limit:
            raise LimitExceeded(
                f"Datei ist {manifest.size:,} Byte groß, erlaubt sind {limit:,}".replace(",", ".")
            )
        with ctx.store.open_original(manifest.id) as handle:
            media_type = sniff_media_type(handle.read(HEAD_BYTES))
    return manifest.model_copy(
        update={"media_type": media_type, "events": [*manifest.events, *timings]}
    )


# 3. text layer -------------------------------------------------------------------------


def read_text_layer(manifest: Manifest, ctx: Context) -> Manifest:
    """Take each PDF page's own text where it is usable; mark the rest for OCR."""
    settings = ctx.settings
    timings: list[Event] = []
    with timed("text_layer", timings), ctx.store.original_path(manifest.id) as path:
        if manifest.media_type == media_types.PDF:
            texts = pdf.read_text_layer(path, max_pages=settings.max_pages)
        elif manifest.media_type == media_types.CMS:
            texts = []  # a signature container; its content becomes a record of its own
        elif manifest.media_type == media_types.EML:
            text, mail_fields = _read_mail(path, settings)
            texts = [text]
            manifest = manifest.model_copy(update={"fields": {**manifest.fields, **mail_fields}})
        else:
            frames = images.count_frames(
                path, max_pixels=settings.max_pixels, max_pages=settings.max_pages
            )
            texts = [""] * frames
    born_digital = manifest.media_type == media_types.EML  # nothing there to OCR
    pages = [
        PageText(number=n, text=text, source="text_layer")
        if born_digital or len("".join(text.split())) >= settings.min_text_layer_chars
        else PageText(number=n, text="", source="none")
        for n, text in enumerate(texts, start=1)
    ]
    return manifest.model_copy(
        update={"page_count": len(pages), "pages": pages, "events": [*manifest.events, *timings]}
    )


def _read_mail(path: Path, settings: Settings) -> tuple[str, dict[str, object]]:
    """An e-mail's readable text (headers and body) and what the index should know of
    it; its attachments become records of their own (``eakte.parts``)."""
    from ingest.email_message import read_message

    content = read_message(path.read_bytes(), max_attachments=settings.mail_max_attachments)
    mail = {
        "subject": content.subject,
        "sender": content.sender,
        "date": content.date,
        "message_id": content.message_id,
    }
    return content.text, {"mail": {k: v for k, v in mail.items() if v}}


# 4. signatures ---------------------------------------------------------------------------


def signature_report_key(record_id: str) -> str:
    return f"reports/{record_id}/signature.json"


def check_signatures(
    manifest: Manifest, ctx: Context, detached_content: Path | None = None
) -> Manifest:
    """Validate on the untouched original; the verdict goes into the manifest, the full
    report beside it (replaced by each ``eakte verify``, history in the events)."""
    timings: list[Event] = []
    with timed("signatures", timings), ctx.store.original_path(manifest.id) as path:
        check = ctx.signatures.validate(
            path,
            manifest.media_type,
            sha256=manifest.sha256,
            filename=manifest.original_filename,
            detached_content=detached_content,
        )
    return with_signature_check(manifest, check, ctx).model_copy(
        update={"events": [*manifest.events, *timings]}
    )


def with_signature_check(manifest: Manifest, check: SignatureCheck, ctx: Context) -> Manifest:
    key = signature_report_key(manifest.id)
    ctx.store.put_derived(key, check.report_json)
    summary = SignatureSummary(
        verdict=check.verdict,  # type: ignore[arg-type]
        sub_indication=check.sub_indication,
        validated_at=utc_now(),
        report_key=key,
        signatures=check.signatures,
    )
    return manifest.model_copy(update={"signature": summary})


def analyse(manifest: Manifest, ctx: Context, detached_content: Path | None = None) -> Manifest:
    """The cheap stages every scheduler runs in order before OCR: sniff, text layer,
    signatures. ``detached_content`` is the file a detached ``.p7s`` signs; its hash is
    recorded as the link (``signs``)."""
    manifest = check_signatures(read_text_layer(sniff(manifest, ctx), ctx), ctx, detached_content)
    if detached_content is None:
        return manifest
    fields = {**manifest.fields, "signs": sha256_of(detached_content)}
    return manifest.model_copy(update={"fields": fields})


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# 5. OCR --------------------------------------------------------------------------------


def plan_ocr(manifest: Manifest, ctx: Context, path: Path) -> list[PageJob]:
    """One job per page without a usable text layer."""
    return [
        PageJob.for_page(ctx.settings, manifest.id, path, manifest.media_type, page.number - 1)
        for page in manifest.pages
        if page.source == "none"
    ]


def timed_ocr_page(job: PageJob) -> tuple[PageRead, float]:
    """Worker entry point: the page and how long it took, for the stage timings."""
    started = time.perf_counter()
    page = ocr_page(job)
    return page, time.perf_counter() - started


def merge_ocr(manifest: Manifest, results: Sequence[tuple[PageText, float]]) -> Manifest:
    by_number = {page.number: page for page, _ in results}
    pages = [by_number.get(page.number, page) for page in manifest.pages]
    events = list(manifest.events)
    if results:
        seconds = round(sum(s for _, s in results), 6)
        events.append(
            Event(kind="stage", stage="ocr", seconds=seconds, details={"pages": len(results)})
        )
    return manifest.model_copy(update={"pages": pages, "events": events})


def rendition_key(record_id: str, name: str) -> str:
    return f"renditions/{record_id}/{name}"


ARCHIVE_RENDITION = "pdfa.pdf"


def store_archive_rendition(
    manifest: Manifest, ocr_pdfs: Mapping[int, bytes], ctx: Context
) -> Manifest:
    """The searchable PDF/A of a scanned record, next to its original. Born-digital
    documents keep their own text and get none; a failure here costs the rendition,
    not the record (it is derived and can be made again)."""
    if not ocr_pdfs or not ctx.settings.archive_rendition:
        return manifest
    from ingest.archive_pdf import build_archive_pdf  # pikepdf: import late

    timings: list[Event] = []
    with timed("rendition", timings):
        try:
            with ExitStack() as stack:
                # only a mixed PDF needs its original (its born-digital pages are copied);
                # in distributed mode that is a download, so not for every scan
                mixed = (
                    manifest.media_type == media_types.PDF and len(ocr_pdfs) < manifest.page_count
                )
                original = (
                    stack.enter_context(ctx.store.original_path(manifest.id)) if mixed else None
                )
                data = build_archive_pdf(
                    ocr_pdfs,
                    manifest.page_count,
                    original_pdf=original,
                    title=manifest.original_filename,
                )
        except ToolFailed as exc:
            return manifest.with_event(Event(kind="rendition_failed", message=exc.message))
        key = rendition_key(manifest.id, ARCHIVE_RENDITION)
        ctx.store.put_derived(key, data)
    renditions = {**manifest.renditions, ARCHIVE_RENDITION: key}
    return manifest.model_copy(
        update={"renditions": renditions, "events": [*manifest.events, *timings]}
    )


# 6. classify and route ------------------------------------------------------------------


def classify_document(manifest: Manifest, ctx: Context) -> Manifest:
    """Type, routing and fields from the whole text. Without a trained model the record
    is still stored, with an event saying why it has no type."""
    timings: list[Event] = []
    with timed("classify", timings):
        fields = {**manifest.fields, **extract_fields(manifest.full_text)}
        manifest = manifest.model_copy(update={"fields": fields})
        if ctx.classifier is None or not manifest.full_text.strip():
            return manifest.model_copy(update={"events": [*manifest.events, *timings]})
        try:
            prediction = ctx.classifier.predict(manifest.full_text)
        except ModelMissing as exc:
            return manifest.with_event(Event(kind="not_classified", message=exc.message))
        classification = routed(prediction, ctx.settings)
    events = [*manifest.events, *timings]
    if classification.needs_review:
        events.append(Event(kind="needs_review", message="Dokumenttyp bitte prüfen"))
    return manifest.model_copy(update={"classification": classification, "events": events})


def routed(prediction: Prediction, settings: Settings) -> Classification:
    """The prediction with German labels and routing from the configured types."""
    types = load_types(settings.document_types_file)
    chosen = types.get(prediction.type)
    return Classification(
        type=chosen.id,
        label=chosen.label,
        confidence=round(prediction.confidence, 4),
        alternatives=[
            {"type": t, "label": types.get(t).label, "confidence": round(p, 4)}
            for t, p in prediction.alternatives
        ],
        model_version=prediction.model_version,
        department=chosen.department,
        aktenplan=chosen.aktenplan,
        needs_review=prediction.confidence < settings.review_threshold,
    )


# 7. finish or quarantine -----------------------------------------------------------------


def complete(manifest: Manifest, ctx: Context) -> Manifest:
    done = manifest.model_copy(update={"status": "stored", "errors": []}).with_event(
        Event(kind="stored", message="Akte angelegt")
    )
    ctx.store.delete_derived(quarantine_key(done.id))
    review.update_ledger(ctx.store, done)
    return save_manifest(done, ctx)


def quarantine(manifest: Manifest, error: EakteError, ctx: Context) -> Manifest:
    """Keep the original, record why it was refused, list it in the quarantine area."""
    reason = getattr(error, "reason_code", "error")
    details = {"reason": reason}
    if error.__cause__ is not None:
        details["cause"] = "".join(traceback.format_exception(error.__cause__))[-4000:]
    event = Event(kind="quarantined", message=error.message, details=details)
    kept = manifest.model_copy(
        update={"status": "quarantined", "errors": [*manifest.errors, error.message]}
    ).with_event(event)
    save_manifest(kept, ctx)
    entry = {
        "id": kept.id,
        "original_filename": kept.original_filename,
        "reason": reason,
        "error": error.message,
        "at": event.at.isoformat(),
    }
    ctx.store.put_derived(quarantine_key(kept.id), _json_bytes(entry))
    return kept


def index_document(manifest: Manifest) -> IndexDocument:
    """The index view of a record; always derivable from the manifest alone."""
    return IndexDocument(
        id=manifest.id,
        text=manifest.full_text,
        title=manifest.original_filename,
        media_type=manifest.media_type,
        doc_type=manifest.doc_type,
        signature=manifest.signature.verdict if manifest.signature else None,
        status=manifest.status,
        received_at=manifest.received_at,
        department=manifest.classification.department if manifest.classification else None,
        keywords=tuple(index_terms(manifest.fields)),
    )


def stored_documents(store: ObjectStore, record_ids: Sequence[str]) -> list[IndexDocument]:
    """Index documents of those records that are stored (re-read from the store)."""
    manifests = [load_manifest(store, record_id) for record_id in record_ids]
    return [index_document(m) for m in manifests if m is not None and m.status == "stored"]


def is_rejection(error: BaseException) -> bool:
    """Errors that mean 'this input', not 'this installation': quarantine and go on."""
    return isinstance(error, InputRejected | ToolFailed)


def _json_bytes(value: dict[str, str]) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
