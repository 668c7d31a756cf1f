"""Runs the pipeline in this process plus a local process pool for OCR pages.

Cheap stages (store, prepare, parts) run here, in input order; each page that needs OCR
becomes a job in the pool as soon as its file is prepared, so both cores read pages
while later files are still being stored. A file is finished (manifest, index) when all
its pages are back. One bad file is quarantined and the batch goes on; a missing
dependency stops the run, because every later file would fail the same way.

The pool is Pebble's: when a worker process dies (a native library's segfault, the OOM
killer) only the page it held fails, the pool replaces the process, and the page is
retried once in the fresh one; a page that kills its reader twice quarantines its
record (``worker_crashed``). The standard library's pool would break as a whole.

The index is written in batches: one commit per ``EAKTE_INDEX_BATCH_RECORDS`` finished
records or ``EAKTE_INDEX_BATCH_SECONDS`` after the first of them, whichever comes first,
and at the end of the run. The store's writes of a batch are made durable with one sync
just before its commit (``GroupSync``), so the index never names a record the store could
lose. A crash between store and commit is closed by the next start
(``eakte.index_catchup``), or by ``eakte reindex``.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from eakte import index_catchup, outcome, pipeline
from eakte.context import Context
from eakte.errors import EakteError, ToolFailed, Transient, WorkerCrashed
from eakte.handlers import Part
from eakte.indexing import index_document, stored_documents
from eakte.intake import BatchIntake
from eakte.outcome import FileOutcome, RunStats
from eakte.ports import (
    GroupSync,
    IndexDocument,
    IngestObserver,
    NoObserver,
    PageJob,
    PageRead,
)
from eakte.record import Channel, Event, Manifest, utc_now


@dataclass
class _Page:
    """One page in the pool; ``retried`` once its first process died under it."""

    job: PageJob
    future: Future[tuple[PageRead, float]]
    retried: bool = False


@dataclass
class _Pending:
    path: Path
    manifest: Manifest
    pages: list[_Page]
    report: bool = True  # False for a record extracted from a container (a "part")
    notes: list[Event] = field(default_factory=list)


def expand_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, folders recursively in a stable order; hidden files are skipped.

    Special files (FIFOs, sockets) are yielded too, so they are reported, not ignored."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if not child.is_dir() and not hidden:
                    yield child
        else:
            yield path


class LocalRunner:
    def __init__(
        self,
        ctx: Context,
        on_page: Callable[[int], None] | None = None,
        *,
        observer: IngestObserver | None = None,
    ) -> None:
        self.ctx = ctx
        self.stats = RunStats()
        self._on_page = on_page or (lambda n: None)
        self._observer = observer or NoObserver()
        self._to_index: list[IndexDocument] = []
        self._batch_started: float | None = None  # monotonic time of its first record
        self._intake = BatchIntake(ctx)
        self._run_started = utc_now()
        self._pool: ProcessPool | None = None
        self._originals: dict[str, ExitStack] = {}  # local copies OCR jobs still read

    def ingest(self, paths: Iterable[Path], channel: Channel = "cli") -> Iterator[FileOutcome]:
        """Yield one outcome per input file, in input order of completion."""
        started = time.perf_counter()
        self._catch_up()
        with ExitStack() as durability:
            if isinstance(self.ctx.store, GroupSync):
                durability.enter_context(self.ctx.store.grouped())
            run = index_catchup.open_run(self.ctx.store)
            try:
                for result in self._run(paths, channel):
                    self._observer.outcome(result.status)
                    yield result
                self._flush_index()
            except BaseException:
                index_catchup.abandon_run(run)  # the next start indexes what it stored
                raise
            if self.stats.index_error:
                index_catchup.abandon_run(run)
            else:
                index_catchup.close_run(self.ctx.store, run)
        self.stats.wall_seconds = time.perf_counter() - started

    def _run(self, paths: Iterable[Path], channel: Channel) -> Iterator[FileOutcome]:
        pending: list[_Pending] = []
        try:
            for path in paths:
                if self.stats.files == 0:
                    _start_forkserver()
                self.stats.files += 1
                prepared = self._prepare(path, channel, pending)
                if isinstance(prepared, FileOutcome):
                    yield prepared
                    continue
                manifest, jobs = prepared
                pending.append(_Pending(path, manifest, self._submit(jobs)))
                yield from self._drain(pending, wait=False)
                self._flush_if_due()
            yield from self._drain(pending, wait=True)
        finally:
            self._close_pool(abandoned=bool(pending))
            for record_id in list(self._originals):
                self._release_original(record_id)

    # stages --------------------------------------------------------------------

    def _prepare(
        self,
        path: Path,
        channel: Channel,
        pending: list[_Pending],
        links: dict[str, object] | None = None,
    ) -> FileOutcome | tuple[Manifest, list[PageJob]]:
        """Store and prepare one input; its parts (attachments, letters of a batch)
        are prepared right after it and finish before it."""
        manifest = self._intake.receive(path, channel)
        if isinstance(manifest, FileOutcome):
            self._index_again(manifest)
            return manifest
        if links:
            manifest = manifest.model_copy(update={"fields": {**manifest.fields, **links}})
        try:
            manifest = pipeline.prepare(manifest, self.ctx)
            manifest = pipeline.take_parts(
                manifest, self.ctx, lambda part: self._take_part(part, channel, pending)
            )
            jobs = self._plan_ocr(manifest)
        except Exception as exc:
            return self._quarantine(path, manifest, outcome.as_rejection(exc))
        return manifest, jobs

    def _take_part(self, part: Part, channel: Channel, pending: list[_Pending]) -> str | None:
        prepared = self._prepare(part.path, channel, pending, links=part.links)
        if isinstance(prepared, FileOutcome):
            return prepared.id
        part_manifest, jobs = prepared
        pending.append(_Pending(part.path, part_manifest, self._submit(jobs), report=False))
        return part_manifest.id

    def _index_again(self, result: FileOutcome) -> None:
        """A known record coming in again is indexed again: a run killed after storing
        it but before its index batch was written leaves it out of the index, and the
        next ingest of the same file (the hot folder after a restart) closes that gap."""
        if result.status == "duplicate" and result.pages and result.id is not None:
            ids = [result.id, *result.part_ids]
            self._add_to_batch(stored_documents(self.ctx.store, ids))

    def _plan_ocr(self, manifest: Manifest) -> list[PageJob]:
        """OCR jobs read the original from a local path; a remote store's temp copy must
        live until the record's last page is read, so it is kept open until then."""
        keep = ExitStack()
        original = keep.enter_context(self.ctx.store.original_path(manifest.id))
        try:
            jobs = pipeline.plan_ocr(manifest, self.ctx, original)
        except BaseException:
            keep.close()
            raise
        if jobs:
            self._originals[manifest.id] = keep
        else:
            keep.close()
        return jobs

    def _release_original(self, record_id: str) -> None:
        keep = self._originals.pop(record_id, None)
        if keep is not None:
            keep.close()

    # the pool --------------------------------------------------------------------

    def _submit(self, jobs: list[PageJob]) -> list[_Page]:
        return [_Page(job, self._schedule(job)) for job in jobs]

    def _schedule(self, job: PageJob) -> Future[tuple[PageRead, float]]:
        if self._pool is None:
            self._pool = ProcessPool(
                max_workers=self.ctx.settings.workers, context=_start_forkserver()
            )
        future: Future[tuple[PageRead, float]] = self._pool.schedule(
            pipeline.read_page, args=(self.ctx.pages, job)
        )
        future.add_done_callback(self._page_done)
        return future

    def _page_done(self, future: Future[tuple[PageRead, float]]) -> None:
        if not future.cancelled() and future.exception() is None:
            self._on_page(1)

    def _close_pool(self, *, abandoned: bool) -> None:
        """Let the pool end; pages nobody waits for any more (the run stopped on an
        error) are not read to the end."""
        if self._pool is not None:
            if abandoned:
                self._pool.stop()  # type: ignore[no-untyped-call]
            else:
                self._pool.close()  # type: ignore[no-untyped-call]
            self._pool.join()
            self._pool = None

    def _results(self, item: _Pending) -> list[tuple[PageRead, float]]:
        """The pages of a record; a page whose process died is read once more in a
        fresh process (noted as an event), a second death quarantines the record. Each
        page read is told to the observer here, in the runner's thread, not in the
        pool's done-callback: that may run after the run has ended."""
        results = []
        for page in item.pages:
            try:
                result = self._await(page.future)
            except ProcessExpired as exc:
                if page.retried:
                    raise WorkerCrashed.twice(f"Seite {page.job.index + 1}") from exc
                item.notes.append(_crash_event(page.job, exc))
                page.future, page.retried = self._schedule(page.job), True
                result = self._retry_result(page)
            self._observer.ocr_page(result[1])
            results.append(result)
        return results

    def _await(self, future: Future[tuple[PageRead, float]]) -> tuple[PageRead, float]:
        """A page's result; a batch that falls due while OCR runs is written meanwhile,
        so finished records do not wait for a long document to become findable."""
        while not future.done():
            due = self._batch_due_in()
            wait([future], timeout=due)
            if due is not None and not future.done():
                self._flush_index()
        return future.result()

    def _retry_result(self, page: _Page) -> tuple[PageRead, float]:
        try:
            return self._await(page.future)
        except ProcessExpired as exc:
            raise WorkerCrashed.twice(f"Seite {page.job.index + 1}") from exc

    def _drain(self, pending: list[_Pending], *, wait: bool) -> Iterator[FileOutcome]:
        while pending and (wait or all(p.future.done() for p in pending[0].pages)):
            item = pending.pop(0)
            try:
                results = self._results(item)
            except Exception as exc:
                for page in item.pages:
                    page.future.cancel()
                result = self._quarantine(item.path, _noted(item), outcome.as_rejection(exc))
            else:
                result = self._finish(item.path, _noted(item), results)
            finally:
                self._release_original(item.manifest.id)
            if item.report:
                yield result

    # the end of a record --------------------------------------------------------

    def _finish(
        self, path: Path, manifest: Manifest, results: list[tuple[PageRead, float]]
    ) -> FileOutcome:
        pages = [(read.page, seconds) for read, seconds in results]
        pdfs = {read.page.number: read.pdf for read, _ in results if read.pdf is not None}
        manifest = self._intake.with_later_copies(manifest)
        started = time.perf_counter()
        manifest = pipeline.finish(manifest, self.ctx, pages, pdfs)
        self.stats.stage_seconds["manifest"] += time.perf_counter() - started
        self.stats.count(manifest, ocr_pages=len(results), since=self._run_started)
        self._add_to_batch([index_document(manifest)])
        return outcome.finished(path, manifest, ocr_pages=len(results))

    def _quarantine(self, path: Path, manifest: Manifest, error: EakteError) -> FileOutcome:
        kept = pipeline.quarantine(self._intake.with_later_copies(manifest), error, self.ctx)
        self.stats.count(kept, ocr_pages=0, since=self._run_started)
        return outcome.finished(path, kept)

    # the index batch ----------------------------------------------------------------

    def _catch_up(self) -> None:
        """Index what a crashed run stored but never committed (nothing to do, and
        nothing read, unless a run died)."""
        started = time.perf_counter()
        try:
            index_catchup.catch_up(self.ctx.store, self.ctx.index)
        except (Transient, ToolFailed) as exc:
            self.stats.index_error = (
                f"nicht nachgeholt: {exc.message} – bitte `eakte reindex` ausführen"
            )
        self.stats.stage_seconds["index"] += time.perf_counter() - started

    def _add_to_batch(self, documents: list[IndexDocument]) -> None:
        if documents and not self._to_index:
            self._batch_started = time.monotonic()
        self._to_index.extend(documents)
        if len(self._to_index) >= self.ctx.settings.index_batch_records:
            self._flush_index()
        else:
            self._flush_if_due()

    def _batch_due_in(self) -> float | None:
        """Seconds until the open batch must be written; None without one."""
        if self._batch_started is None:
            return None
        due = self._batch_started + self.ctx.settings.index_batch_seconds
        return max(0.0, due - time.monotonic())

    def _flush_if_due(self) -> None:
        if self._batch_due_in() == 0.0:
            self._flush_index()

    def _flush_index(self) -> None:
        """Make the batch's store writes durable, then commit it to the index."""
        self._batch_started = None
        if not self._to_index:
            return
        started = time.perf_counter()
        if isinstance(self.ctx.store, GroupSync):
            self.ctx.store.sync()
        if self.ctx.settings.index_commit_hold:
            _hold_before_commit(len(self._to_index))
        try:
            self.ctx.index.upsert(self._to_index)
        except (Transient, ToolFailed) as exc:
            # The records are safe in the store; only the view lags until `eakte reindex`.
            self.stats.index_error = (
                f"nicht aktualisiert: {exc.message} – die Dokumente sind gespeichert; "
                "bitte `eakte reindex` ausführen"
            )
        self.stats.stage_seconds["index"] += time.perf_counter() - started
        self._to_index = []


def _hold_before_commit(count: int) -> None:
    """``EAKTE_INDEX_COMMIT_HOLD`` (the crash test): the batch is stored, not indexed;
    say so and wait to be killed."""
    print(f"eakte: index commit held ({count} records stored, not indexed)", file=sys.stderr)
    sys.stderr.flush()
    threading.Event().wait()


def _noted(item: _Pending) -> Manifest:
    return item.manifest.model_copy(update={"events": [*item.manifest.events, *item.notes]})


def _crash_event(job: PageJob, error: ProcessExpired) -> Event:
    return Event(
        kind="page_retried",
        message=f"Seite {job.index + 1}: Verarbeitungsprozess abgestürzt, neu gelesen",
        details={"exitcode": error.exitcode},
    )


def _start_forkserver() -> multiprocessing.context.ForkServerContext:
    """The context OCR workers start from: forkserver, because the parent may run threads
    (progress bar, Pebble's pool manager) that fork would copy badly. The server imports
    the program (~0.7 s) before it can fork a worker, so it is started with the first
    input, in the background, instead of when the first page is ready for OCR."""
    context = multiprocessing.get_context("forkserver")
    multiprocessing.forkserver.ensure_running()
    return context
