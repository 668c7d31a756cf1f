"""The pipeline stages as the workers run them: one step per task, each taking a record
id, re-reading the record from the store and writing under fixed keys, so a step that
runs twice (a redelivered task) changes nothing the first run did not.

Steps return what should run next; ``workers.tasks`` turns that into Celery messages.
The stages themselves and their order are ``eakte.pipeline``'s, shared with the local
runner; here is only where each one's inputs and results wait between tasks.

    prepare ─► ocr_page × pages without text ─► finish ─► index
       └──────────────(no OCR needed)─────────────┘
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass, field

from eakte import pipeline, records
from eakte.context import Context
from eakte.errors import EakteError, RecordNotFound
from eakte.handlers import Part
from eakte.indexing import index_document
from eakte.ports import RefreshingIndex
from eakte.record import Event, Manifest
from workers import state
from workers.timing import section

log = logging.getLogger(__name__)

PREPARED = "prepared"


@dataclass(frozen=True)
class Next:
    """Follow-up work of a step."""

    ocr_pages: list[int] = field(default_factory=list)
    finish: bool = False
    index: bool = False
    new_records: list[str] = field(default_factory=list)  # parts: attachments, letters


def load(ctx: Context, record_id: str) -> Manifest:
    with section("load"):
        manifest = records.load_manifest(ctx.store, record_id)
    if manifest is None:
        raise RecordNotFound(f"Dokument {record_id} nicht gefunden")
    return manifest


def submit(ctx: Context, manifest: Manifest) -> Manifest:
    """Hand a freshly stored original to the workers: the manifest says ``received``
    until ``finish`` or ``quarantine`` writes its end state."""
    received = manifest.model_copy(update={"status": "received"})
    pipeline.save_manifest(received, ctx)
    state.mark_in_flight(ctx.store, received.id)
    return received


def prepare(ctx: Context, record_id: str) -> Next:
    """Sniff, text layer and signatures on the stored original; plan OCR."""
    manifest = load(ctx, record_id)
    if manifest.status != "received":
        return Next()
    with section("save"):
        state.mark_in_flight(ctx.store, record_id)
    new_records: list[str] = []
    if not any(event.kind == PREPARED for event in manifest.events):
        with section("prepare"):
            manifest = pipeline.prepare(manifest, ctx)
        with section("parts"):
            manifest = pipeline.take_parts(
                manifest, ctx, lambda part: _store_part(ctx, manifest, part, new_records)
            )
        with section("save"):
            manifest = pipeline.save_manifest(manifest.with_event(Event(kind=PREPARED)), ctx)
    missing = _pages_without_result(ctx, manifest)
    return Next(ocr_pages=missing, finish=not missing, new_records=new_records)


def ocr_page(ctx: Context, record_id: str, page_number: int) -> Next:
    """Read one page; the result waits in the store until ``finish`` collects it."""
    manifest = load(ctx, record_id)
    if manifest.status != "received":
        return Next()
    with section("check"):
        done = state.has_page_result(ctx.store, record_id, page_number)
    if not done:
        with ExitStack() as stack:
            with section("original"):
                path = stack.enter_context(ctx.store.original_path(record_id))
            with section("read"):
                job = pipeline.page_job(manifest, ctx, path, page_number)
                read, seconds = pipeline.read_page(ctx.pages, job)
        with section("save"):
            if read.pdf is not None:
                state.save_page_pdf(ctx.store, record_id, page_number, read.pdf)
            # Progress first, result second: once the result is there, another page's
            # task may finish the record, and the marker must not outlive it.
            state.mark_in_flight(ctx.store, record_id)
            state.save_page_result(ctx.store, record_id, read.page, seconds)
    # The last page to arrive starts the finish; two pages arriving together may both
    # do so, which ``finish`` tolerates.
    return Next(finish=not _pages_without_result(ctx, manifest))


def finish(ctx: Context, record_id: str) -> Next:
    """Merge the pages, write the stored manifest, queue the index update."""
    manifest = load(ctx, record_id)
    if manifest.status != "received":
        return Next(index=manifest.status == "stored")
    missing = _pages_without_result(ctx, manifest)
    if missing:  # a page task was lost: ask for it again
        return Next(ocr_pages=missing)
    with section("results"):
        results = list(state.load_page_results(ctx.store, record_id).values())
        pdfs = state.load_page_pdfs(ctx.store, record_id)
        # Before completing, so a crash in between cannot leave the record unmarked; an
        # index step that meets the record still received keeps the marker.
        state.mark_for_index(ctx.store, record_id)
    with section("finish"):
        pipeline.finish(manifest, ctx, results, pdfs)
    with section("tidy"):
        _tidy_up(ctx, record_id)
    return Next(index=True)


def index(ctx: Context, record_ids: list[str], *, refresh: bool = True) -> int:
    """Bring the index up to the store for these records; returns how many were sent.
    Each record's outbox markers are listed before its manifest is read, and only those
    the indexed state satisfies are removed: not a marker of a record still being
    finished, nor one written after the listing. Without ``refresh`` an index that
    refreshes on its own (Elasticsearch) is not made to: the workers' batches."""
    read: list[tuple[list[state.Marker], Manifest | None]] = []
    documents = []
    for record_id in record_ids:
        listed = state.markers(ctx.store, record_id)
        manifest = records.load_manifest(ctx.store, record_id)
        read.append((listed, manifest))
        if manifest is not None and manifest.status == "stored":
            documents.append(index_document(manifest))
    if documents and not refresh and isinstance(ctx.index, RefreshingIndex):
        ctx.index.write(documents)
    elif documents:
        ctx.index.upsert(documents)
    for listed, manifest in read:
        state.index_done(ctx.store, listed, manifest)
    return len(documents)


def forget_ended(ctx: Context) -> int:
    """Remove in-flight markers of records that have ended (a duplicate task racing the
    last step can leave one behind); returns how many."""
    removed = 0
    for record_id in list(state.in_flight(ctx.store)):
        manifest = records.load_manifest(ctx.store, record_id)
        if manifest is not None and manifest.status != "received":
            state.landed(ctx.store, record_id)
            removed += 1
    return removed


def quarantine(ctx: Context, record_id: str, error: EakteError) -> None:
    """The end of a record that cannot be processed; its original stays."""
    manifest = load(ctx, record_id)
    if manifest.status == "received":
        pipeline.quarantine(manifest, error, ctx)
    _tidy_up(ctx, record_id)


def _tidy_up(ctx: Context, record_id: str) -> None:
    state.clear_work(ctx.store, record_id)
    state.landed(ctx.store, record_id)


def _store_part(ctx: Context, container: Manifest, part: Part, new_records: list[str]) -> str:
    """A part (attachment, letter of a scan batch, a .p7m's content) becomes a record of
    its own: stored here, submitted to the workers, linked both ways."""
    received = pipeline.store_original(
        part.path, ctx, container.channel, part.links, received_by=container.received_by
    )
    if not received.duplicate:
        submit(ctx, received.manifest)
        new_records.append(received.manifest.id)
    return received.manifest.id


def _pages_without_result(ctx: Context, manifest: Manifest) -> list[int]:
    needed = [page.number for page in manifest.pages if page.source == "none"]
    if not needed:
        return []
    with section("check"):
        done = state.pages_with_result(ctx.store, manifest.id)
    return [number for number in needed if number not in done]
