"""The pipeline: the stages in the order they run, written once for every scheduler.

    store_original ─► prepare (sniff → text layer → signatures) ─► take_parts ─► plan_ocr
        ─► [read_page × pages without text] ─► finish (merge → rendition (sealed by a
        document timestamp when a TSA is set) → classify → file into its Akte →
        Transfervermerk of a scan → complete) ─► index

The local runner (``eakte.local_runner``) and the Celery workers (``workers.steps``)
call ``prepare``, ``take_parts``, ``plan_ocr``, ``read_page`` and ``finish``; they only
decide where and when each runs. The original is stored before anything else looks at
it, so a failure in any later stage loses nothing. The core knows ports and the handler
registry, never an adapter: ``eakte.wiring`` builds the ``Context``.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import time
import traceback
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from eakte import records, review, transfer
from eakte.context import Context
from eakte.errors import EakteError, InputRejected, LimitExceeded, ModelMissing, ToolFailed
from eakte.filenames import sanitize_filename
from eakte.filing import file_document
from eakte.handlers import MakesRenditions, MediaHandler, Part, TextLayer
from eakte.ports import PageJob, PageRead, PageReader, SignatureCheck
from eakte.record import Channel, Event, Manifest, PageText, SignatureSummary, utc_now

Outcome = Literal["stored", "duplicate", "quarantined"]
ARCHIVE_RENDITION = "pdfa.pdf"


@dataclass(frozen=True)
class Received:
    """Result of ``store_original``: a new manifest, or the id of a known duplicate."""

    manifest: Manifest
    duplicate: bool


@contextmanager
def timed(stage: str, sink: list[Event]) -> Iterator[None]:
    """Record how long a stage took as an event (what ``bench/ingest`` sums up)."""
    started = time.perf_counter()
    yield
    sink.append(Event(kind="stage", stage=stage, seconds=round(time.perf_counter() - started, 6)))


def save_manifest(manifest: Manifest, ctx: Context) -> Manifest:
    return records.save_manifest(ctx.store, manifest)


def handler_of(manifest: Manifest, ctx: Context) -> MediaHandler:
    return ctx.handlers.for_type(manifest.media_type)


# 1. store --------------------------------------------------------------------------


def store_original(
    path: Path,
    ctx: Context,
    channel: Channel = "cli",
    links: Mapping[str, Any] | None = None,
    received_by: str | None = None,
) -> Received:
    """Stream the file into the store first; a known, processed original is a duplicate.
    Who brought it in: ``received_by`` (a part: its container's), else the setting."""
    timings: list[Event] = []
    with timed("store", timings), open(path, "rb") as source:
        stored = ctx.store.put_original(source)
    existing = records.load_manifest(ctx.store, stored.sha256)
    if existing is not None and existing.status == "stored":
        return Received(manifest=existing, duplicate=True)
    history = existing.events if existing is not None else []
    manifest = Manifest(
        id=stored.sha256,
        sha256=stored.sha256,
        size=stored.size,
        channel=channel,
        received_by=received_by or ctx.settings.scan_operator,
        original_filename=sanitize_filename(path.name),
        fields=dict(links or {}),
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


# 2. prepare: sniff, text layer, signatures ----------------------------------------------


def sniff(manifest: Manifest, ctx: Context) -> Manifest:
    timings: list[Event] = []
    with timed("sniff", timings):
        limit = ctx.settings.max_file_bytes
        if manifest.size > limit:
            raise LimitExceeded(
                f"Datei ist {manifest.size:,} Byte groß, erlaubt sind {limit:,}".replace(",", ".")
            )
        with ctx.store.open_original(manifest.id) as handle:
            media_type = ctx.sniff(handle)
        ctx.handlers.for_type(media_type)  # refuses a type no handler takes
    return manifest.model_copy(
        update={"media_type": media_type, "events": [*manifest.events, *timings]}
    )


def read_text_layer(manifest: Manifest, ctx: Context) -> Manifest:
    """Take each page's own text where it is usable; mark the rest for OCR. A text layer
    of mostly control or private-use characters (a font without a Unicode map) is
    garbage to a reader and to the index: such a page is read by OCR instead."""
    timings: list[Event] = []
    with timed("text_layer", timings), ctx.store.original_path(manifest.id) as path:
        layer = handler_of(manifest, ctx).read_text(path)
    pages, garbage = text_layer_pages(layer, ctx.settings.min_text_layer_chars)
    events = [*manifest.events, *timings]
    if garbage:
        events.append(
            Event(
                kind="text_layer_unusable",
                message="Textebene unlesbar (Steuer- oder Sonderzeichen), Seiten per OCR gelesen",
                details={"pages": garbage},
            )
        )
    return manifest.model_copy(
        update={
            "page_count": len(pages),
            "pages": pages,
            "fields": {**manifest.fields, **layer.fields},
            "events": events,
        }
    )


def text_layer_pages(layer: TextLayer, minimum: int) -> tuple[list[PageText], list[int]]:
    """The pages whose text layer is used (``source="text_layer"``) and those left to
    OCR (``"none"``), and the numbers of the garbage pages among them. Training reads
    its scans through this too (``classify.document_text``), so it sees what ingest sees."""
    garbage = [
        n for n, text in enumerate(layer.pages, start=1) if not layer.complete and is_garbage(text)
    ]
    pages = [
        PageText(number=n, text=text, source="text_layer")
        if layer.complete or (len("".join(text.split())) >= minimum and n not in garbage)
        else PageText(number=n, text="", source="none")
        for n, text in enumerate(layer.pages, start=1)
    ]
    return pages, garbage


GARBAGE_SHARE = 0.3  # of the visible characters; real text in any script has next to none
_GARBAGE_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})


def is_garbage(text: str) -> bool:
    """True when a share of the visible characters are control, private-use, unassigned
    or replacement characters no reader can make sense of."""
    visible = bad = 0
    for char, count in Counter(text).items():  # each distinct character judged once
        if char.isspace():
            continue
        visible += count
        if char == "\ufffd" or unicodedata.category(char) in _GARBAGE_CATEGORIES:
            bad += count
    return visible > 0 and bad / visible >= GARBAGE_SHARE


def check_signatures(manifest: Manifest, ctx: Context) -> Manifest:
    """Validate on the untouched original; the verdict goes into the manifest, the full
    report beside it (replaced by each ``eakte verify``, history in the events). A
    detached ``.p7s`` is validated over the stored document it ``signs``; a document
    that arrived with a ``.p7s`` (``detached_signature``) is validated with it, so the
    same signature beside another document gets its own verdict on that record."""
    timings: list[Event] = []
    with ExitStack() as stack, timed("signatures", timings):
        path = stack.enter_context(ctx.store.original_path(manifest.id))
        linked = {}
        for field in ("signs", "detached_signature"):
            other = manifest.fields.get(field)
            if isinstance(other, str) and ctx.store.has_original(other):
                linked[field] = stack.enter_context(ctx.store.original_path(other))
        check = ctx.signatures.validate(
            path,
            handler_of(manifest, ctx).signature_format,
            sha256=manifest.sha256,
            filename=manifest.original_filename,
            detached_content=linked.get("signs"),
            detached_signature=linked.get("detached_signature"),
        )
    notes = [
        Event(kind="signature_not_checked", message=note, stage="signatures")
        for note in check.notes
    ]
    return with_signature_check(manifest, check, ctx).model_copy(
        update={"events": [*manifest.events, *timings, *notes]}
    )


def with_signature_check(manifest: Manifest, check: SignatureCheck, ctx: Context) -> Manifest:
    key = records.signature_report_key(manifest.id)
    ctx.store.put_derived(key, check.report_json)
    summary = SignatureSummary(
        verdict=check.verdict,  # type: ignore[arg-type]
        sub_indication=check.sub_indication,
        validated_at=utc_now(),
        report_key=key,
        signatures=check.signatures,
    )
    return manifest.model_copy(update={"signature": summary})


def prepare(manifest: Manifest, ctx: Context) -> Manifest:
    """The cheap stages every scheduler runs in order before OCR."""
    return check_signatures(read_text_layer(sniff(manifest, ctx), ctx), ctx)


# 3. parts ------------------------------------------------------------------------------

PartTaker = Callable[[Part], str | None]


def take_parts(manifest: Manifest, ctx: Context, take: PartTaker) -> Manifest:
    """Attachments, letters of a scan batch, the content of a ``.p7m``: each part is
    handed to ``take`` (the scheduler stores it as a record of its own and returns its
    id) while its temporary file exists; the container's manifest lists its parts."""
    folder = _parts_folder()
    try:
        split = handler_of(manifest, ctx).split(manifest, ctx, folder)
        if not split.parts:
            return split.manifest
        ids = [take(part) for part in split.parts]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    listed = [
        {"id": part_id, "pages": list(part.pages) if part.pages else None}
        for part, part_id in zip(split.parts, ids, strict=True)
    ]
    fields: dict[str, Any] = {**split.manifest.fields, "parts": listed}
    if split.content_part:
        fields["content_record"] = ids[0]
    return split.manifest.model_copy(update={"fields": fields})


_SCRATCH: tuple[int, Path] | None = None  # (pid, private folder) of this process


def _parts_folder() -> Path:
    """A fresh path for one container's parts, created by the handler only when it
    writes one: most records have no parts, and a temporary folder made and removed
    per record cost more than reading a born-digital page. It lies in a private folder
    (mode 0700) made once per process, so no one else can have created it first."""
    global _SCRATCH
    if _SCRATCH is None or _SCRATCH[0] != os.getpid():
        scratch = Path(tempfile.mkdtemp(prefix="eakte-parts-"))
        atexit.register(shutil.rmtree, scratch, True)
        _SCRATCH = (os.getpid(), scratch)
    return _SCRATCH[1] / uuid.uuid4().hex


# 4. OCR --------------------------------------------------------------------------------


def plan_ocr(manifest: Manifest, ctx: Context, path: Path) -> list[PageJob]:
    """One job per page without a usable text layer; ``path`` is a local copy of the
    original that must live until the jobs are read."""
    return [
        page_job(manifest, ctx, path, page.number)
        for page in manifest.pages
        if page.source == "none"
    ]


def page_job(manifest: Manifest, ctx: Context, path: Path, number: int) -> PageJob:
    source = handler_of(manifest, ctx)
    return PageJob(record_id=manifest.id, path=str(path), index=number - 1, source=source)


def read_page(reader: PageReader, job: PageJob) -> tuple[PageRead, float]:
    """Worker entry point: the page and how long it took, for the stage timings."""
    started = time.perf_counter()
    page = reader.read(job)
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


def store_archive_rendition(
    manifest: Manifest, ocr_pdfs: Mapping[int, bytes], ctx: Context
) -> Manifest:
    """The searchable PDF/A of a scanned record, next to its original. Born-digital
    documents keep their own text and get none; a failure here costs the rendition,
    not the record (it is derived and can be made again)."""
    if not ocr_pdfs or not ctx.settings.archive_rendition or ctx.archive_pdf is None:
        return manifest
    timings: list[Event] = []
    with timed("rendition", timings):
        try:
            with ExitStack() as stack:
                # only a mixed document needs its original (its born-digital pages are
                # copied); in distributed mode that is a download, so not for every scan
                mixed = (
                    handler_of(manifest, ctx).keeps_born_digital_pages
                    and len(ocr_pdfs) < manifest.page_count
                )
                original = (
                    stack.enter_context(ctx.store.original_path(manifest.id)) if mixed else None
                )
                data = ctx.archive_pdf(
                    ocr_pdfs, manifest.page_count, original, manifest.original_filename
                )
        except ToolFailed as exc:
            return manifest.with_event(Event(kind="rendition_failed", message=exc.message))
        data, sealed = transfer.seal_rendition(data, ctx.seal_pdf)
        key = records.rendition_key(manifest.id, ARCHIVE_RENDITION)
        ctx.store.put_derived(key, data)
    renditions = {**manifest.renditions, ARCHIVE_RENDITION: key}
    events = [*manifest.events, *timings, *([sealed] if sealed else [])]
    return manifest.model_copy(update={"renditions": renditions, "events": events})


def store_media_renditions(manifest: Manifest, ctx: Context) -> Manifest:
    """Thumbnails, zoom tiles and preview frames of media shown rather than read (when
    the handler makes any). All files go under the record's rendition folder; the
    manifest names the top-level ones (a tile pyramid is found through its ``.dzi``).
    A failure costs the renditions, not the record: they can be made again."""
    handler = handler_of(manifest, ctx)
    if not isinstance(handler, MakesRenditions):
        return manifest
    timings: list[Event] = []
    with timed("media_renditions", timings):
        try:
            with ctx.store.original_path(manifest.id) as path:
                made = handler.renditions(path)
        except ToolFailed as exc:
            return manifest.with_event(Event(kind="rendition_failed", message=exc.message))
        named = dict(manifest.renditions)
        for name, data in made.items():
            key = records.rendition_key(manifest.id, name)
            ctx.store.put_derived(key, data)
            if "/" not in name:
                named[name] = key
    return manifest.model_copy(update={"renditions": named, "events": [*manifest.events, *timings]})


# 5. classify and route ------------------------------------------------------------------


def classify_document(manifest: Manifest, ctx: Context) -> Manifest:
    """Type, routing and fields from the whole text. Without a trained model the record
    is still stored, with an event saying why it has no type."""
    timings: list[Event] = []
    with timed("classify", timings):
        fields = {**manifest.fields, **ctx.fields.extract(manifest.full_text)}
        manifest = manifest.model_copy(update={"fields": fields})
        if ctx.classifier is None or not manifest.full_text.strip():
            return manifest.model_copy(update={"events": [*manifest.events, *timings]})
        try:
            prediction = ctx.classifier.predict(manifest.full_text)
        except ModelMissing as exc:
            return manifest.with_event(Event(kind="not_classified", message=exc.message))
        classification = ctx.router.route(prediction)
    events = [*manifest.events, *timings]
    if classification.needs_review:
        events.append(Event(kind="needs_review", message="Dokumenttyp bitte prüfen"))
    return manifest.model_copy(update={"classification": classification, "events": events})


# 6. finish or quarantine -----------------------------------------------------------------


def finish(
    manifest: Manifest,
    ctx: Context,
    pages: Sequence[tuple[PageText, float]],
    ocr_pdfs: Mapping[int, bytes],
) -> Manifest:
    """Everything after OCR, in order: merge the pages, the archival rendition, a
    medium's own renditions (thumbnails, tiles), classification, filing into the Akte
    it cites, a scan's Transfervermerk (its paper rule needs the type), the stored
    manifest."""
    manifest = store_archive_rendition(merge_ocr(manifest, pages), ocr_pdfs, ctx)
    manifest = store_media_renditions(manifest, ctx)
    classified = classify_document(with_part_states(manifest, ctx), ctx)
    filed = file_document(classified, ctx)
    return complete(transfer.note_transfer(filed, ctx.settings), ctx)


def with_part_states(manifest: Manifest, ctx: Context) -> Manifest:
    """A part refused on its own (a damaged attachment, a ZIP bomb) is listed with its
    reason in the container's ``parts``, so the container's outcome, the run's summary
    and the exit code show it; the container itself is stored. Parts finish before
    their container (both schedulers), so their records say how they ended."""
    listed = manifest.fields.get("parts")
    if not isinstance(listed, list):
        return manifest
    parts = []
    for entry in listed:
        part_id = entry.get("id") if isinstance(entry, dict) else None
        record = records.load_manifest(ctx.store, part_id) if isinstance(part_id, str) else None
        if record is not None and record.status == "quarantined":
            error = record.errors[-1] if record.errors else "Quarantäne"
            entry = {**entry, "status": "quarantined", "error": error}
        parts.append(entry)
    return manifest.model_copy(update={"fields": {**manifest.fields, "parts": parts}})


def complete(manifest: Manifest, ctx: Context) -> Manifest:
    done = manifest.model_copy(update={"status": "stored", "errors": []}).with_event(
        Event(kind="stored", message="Dokument abgelegt")
    )
    records.clear_quarantine_entry(ctx.store, done.id)
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
    records.put_quarantine_entry(
        ctx.store,
        {
            "id": kept.id,
            "original_filename": kept.original_filename,
            "reason": reason,
            "error": error.message,
            "at": event.at.isoformat(),
        },
    )
    return kept


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def is_rejection(error: BaseException) -> bool:
    """Errors that mean 'this input', not 'this installation': quarantine and go on."""
    return isinstance(error, InputRejected | ToolFailed)
