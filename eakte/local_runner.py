"""Runs the pipeline in this process plus a local process pool for OCR pages.

Cheap stages (store, sniff, text layer) run here, in input order; each page that needs
OCR becomes a job in the pool as soon as its file is prepared, so both cores read pages
while later files are still being stored. A file is finished (manifest, index) when all
its pages are back. One bad file is quarantined and the batch goes on; a missing
dependency stops the run, because every later file would fail the same way.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from eakte import containers, outcome, parts, pipeline
from eakte.errors import EakteError, ToolFailed, Transient
from eakte.intake import BatchIntake
from eakte.outcome import FileOutcome, RunStats
from eakte.pipeline import Context
from eakte.ports import IndexDocument
from eakte.record import Channel, Manifest, utc_now
from ingest.pages import PageJob, PageRead

INDEX_BATCH = 100


@dataclass
class _Pending:
    path: Path
    manifest: Manifest
    futures: list[Future[tuple[PageRead, float]]]
    report: bool = True  # False for a record extracted from a container (a "part")


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
    def __init__(self, ctx: Context, on_page: Callable[[int], None] | None = None) -> None:
        self.ctx = ctx
        self.stats = RunStats()
        self._on_page = on_page or (lambda n: None)
        self._to_index: list[IndexDocument] = []
        self._intake = BatchIntake(ctx)
        self._run_started = utc_now()
        self._pool: ProcessPoolExecutor | None = None
        self._originals: dict[str, ExitStack] = {}  # local copies OCR jobs still read
        self._stack = ExitStack()

    def ingest(self, paths: Iterable[Path], channel: Channel = "cli") -> Iterator[FileOutcome]:
        """Yield one outcome per input file, in input order of completion."""
        started = time.perf_counter()
        pending: list[_Pending] = []
        with ExitStack() as stack:
            self._stack = stack
            stack.callback(self._release_all_originals)
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
            yield from self._drain(pending, wait=True)
        self._pool = None
        self._flush_index()
        self.stats.wall_seconds = time.perf_counter() - started

    # stages --------------------------------------------------------------------

    def _submit(self, jobs: list[PageJob]) -> list[Future[tuple[PageRead, float]]]:
        if not jobs:
            return []
        if self._pool is None:
            self._pool = self._stack.enter_context(self._new_pool())
        futures = [self._pool.submit(pipeline.timed_ocr_page, job) for job in jobs]
        for future in futures:
            future.add_done_callback(lambda _f: self._on_page(1))
        return futures

    def _prepare(
        self,
        path: Path,
        channel: Channel,
        pending: list[_Pending],
        links: dict[str, object] | None = None,
    ) -> FileOutcome | tuple[Manifest, list[PageJob]]:
        """Store and analyse one input; its parts (attachments, letters of a batch)
        are prepared right after it and finish before it."""
        ctx = self.ctx
        manifest = self._intake.receive(path, channel)
        if isinstance(manifest, FileOutcome):
            self._index_again(manifest)
            return manifest
        if links:
            manifest = parts.linked(manifest, links)
        try:
            manifest = pipeline.analyse(manifest, ctx, containers.detached_partner(path))
            manifest = self._take_parts(manifest, channel, pending)
            jobs = self._plan_ocr(manifest)
        except Exception as exc:
            return self._quarantine(path, manifest, outcome.as_rejection(exc))
        return manifest, jobs

    def _take_parts(
        self, manifest: Manifest, channel: Channel, pending: list[_Pending]
    ) -> Manifest:
        with parts.extracted_parts(manifest, self.ctx) as split:
            if not split.parts:
                return split.manifest
            ids: list[str | None] = []
            for part in split.parts:
                prepared = self._prepare(part.path, channel, pending, links=part.links)
                if isinstance(prepared, FileOutcome):
                    ids.append(prepared.id)
                    continue
                part_manifest, jobs = prepared
                ids.append(part_manifest.id)
                pending.append(_Pending(part.path, part_manifest, self._submit(jobs), False))
        return parts.with_part_ids(split.manifest, split, ids)

    def _index_again(self, result: FileOutcome) -> None:
        """A known record coming in again is indexed again: a run killed after storing
        it but before its index batch was written leaves it out of the index, and the
        next ingest of the same file (the hot folder after a restart) closes that gap."""
        if result.status == "duplicate" and result.pages and result.id is not None:
            ids = [result.id, *result.part_ids]
            self._to_index.extend(pipeline.stored_documents(self.ctx.store, ids))

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

    def _release_all_originals(self) -> None:
        for record_id in list(self._originals):
            self._release_original(record_id)

    def _release_original(self, record_id: str) -> None:
        keep = self._originals.pop(record_id, None)
        if keep is not None:
            keep.close()

    def _drain(self, pending: list[_Pending], *, wait: bool) -> Iterator[FileOutcome]:
        while pending and (wait or all(f.done() for f in pending[0].futures)):
            item = pending.pop(0)
            try:
                results = [future.result() for future in item.futures]
            except Exception as exc:
                for future in item.futures:
                    future.cancel()
                result = self._quarantine(item.path, item.manifest, outcome.as_rejection(exc))
            else:
                result = self._finish(item.path, item.manifest, results)
            finally:
                self._release_original(item.manifest.id)
            if item.report:
                yield result

    def _finish(
        self, path: Path, manifest: Manifest, results: list[tuple[PageRead, float]]
    ) -> FileOutcome:
        pages = [(read.page, seconds) for read, seconds in results]
        pdfs = {read.page.number: read.pdf for read, _ in results if read.pdf is not None}
        manifest = self._intake.with_later_copies(pipeline.merge_ocr(manifest, pages))
        manifest = pipeline.store_archive_rendition(manifest, pdfs, self.ctx)
        manifest = pipeline.classify_document(manifest, self.ctx)
        started = time.perf_counter()
        manifest = pipeline.complete(manifest, self.ctx)
        self.stats.stage_seconds["manifest"] += time.perf_counter() - started
        self.stats.count(manifest, ocr_pages=len(results), since=self._run_started)
        self._to_index.append(pipeline.index_document(manifest))
        if len(self._to_index) >= INDEX_BATCH:
            self._flush_index()
        return outcome.finished(path, manifest, ocr_pages=len(results))

    def _quarantine(self, path: Path, manifest: Manifest, error: EakteError) -> FileOutcome:
        kept = pipeline.quarantine(self._intake.with_later_copies(manifest), error, self.ctx)
        self.stats.count(kept, ocr_pages=0, since=self._run_started)
        return outcome.finished(path, kept)

    # helpers -------------------------------------------------------------------

    def _flush_index(self) -> None:
        if not self._to_index:
            return
        started = time.perf_counter()
        try:
            self.ctx.index.upsert(self._to_index)
        except (Transient, ToolFailed) as exc:
            # The records are safe in the store; only the view lags until `eakte reindex`.
            self.stats.index_error = (
                f"nicht aktualisiert: {exc.message} – die Akten sind gespeichert; "
                "bitte `eakte reindex` ausführen"
            )
        self.stats.stage_seconds["index"] += time.perf_counter() - started
        self._to_index = []

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.ctx.settings.workers,
            mp_context=_start_forkserver(),
        )


def _start_forkserver() -> multiprocessing.context.ForkServerContext:
    """The context OCR workers start from: forkserver, because the parent may run threads
    (progress bar) that fork would copy badly. The server imports the program (~0.7 s)
    before it can fork a worker, so it is started with the first input, in the
    background, instead of when the first page is ready for OCR (~0.6 s later for a
    scanned PDF: storing it, the signature check, the separator scan)."""
    context = multiprocessing.get_context("forkserver")
    multiprocessing.forkserver.ensure_running()
    return context
