"""`eakte ingest` with workers: store each original, hand it to the queue, then wait
until the workers have finished every record and report each like the local runner.

The original is in the store before the message is sent, so a broker that is down
loses nothing: the in-flight marker lets the reconcile job submit the record later.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eakte import outcome, pipeline, records
from eakte.context import Context
from eakte.errors import Transient
from eakte.intake import BatchIntake
from eakte.outcome import FileOutcome, RunStats
from eakte.ports import IngestObserver, NoObserver, RefreshingIndex
from eakte.record import Channel, Manifest, utc_now
from workers import state, steps, tasks

POLL_SECONDS = 0.3
POLL_WINDOW = 20  # records checked per poll; they finish roughly in order
# After the last record, how long to wait for the index before reporting that it lags
# (the outbox and the reconcile job bring it up to date without anyone's help)
INDEX_GRACE_SECONDS = 20.0


@dataclass(frozen=True)
class _Waiting:
    path: Path
    record_id: str
    report: bool = True  # False for a record the workers extracted (a .p7m's content)


class QueueRunner:
    """Same interface as ``eakte.local_runner.LocalRunner``; the work runs elsewhere."""

    def __init__(
        self,
        ctx: Context,
        app: Any,
        on_page: Callable[[int], None] | None = None,
        *,
        observer: IngestObserver | None = None,
    ) -> None:
        self.ctx = ctx
        self.app = app
        self.stats = RunStats()
        self._on_page = on_page or (lambda n: None)
        self._observer = observer or NoObserver()
        self._intake = BatchIntake(ctx)
        self._run_started = utc_now()
        self._stored: list[str] = []
        self.paused = 0  # polls spent waiting for room in the OCR queue

    def ingest(self, paths: Iterable[Path], channel: Channel = "cli") -> Iterator[FileOutcome]:
        started = time.perf_counter()
        for result in self._run(paths, channel):
            self._observer.outcome(result.status)
            yield result
        self._await_index()
        self.stats.wall_seconds = time.perf_counter() - started

    def _run(self, paths: Iterable[Path], channel: Channel) -> Iterator[FileOutcome]:
        waiting: list[_Waiting] = []
        for path in paths:
            yield from self._wait_for_room(waiting)
            self.stats.files += 1
            submitted = self._submit(path, channel)
            if isinstance(submitted, FileOutcome):
                yield submitted
            else:
                waiting.append(submitted)
            yield from self._collect(waiting, wait=False)
        yield from self._collect(waiting, wait=True)

    def _wait_for_room(self, waiting: list[_Waiting]) -> Iterator[FileOutcome]:
        """Backpressure: while more OCR pages wait in the queue than
        ``EAKTE_MAX_QUEUED_OCR_PAGES``, queue nothing new (the originals would only
        fill Redis and the store's in-flight list); report what finishes meanwhile."""
        bound = self.ctx.settings.max_queued_ocr_pages
        if bound <= 0:
            return
        while (queued := self._ocr_queued()) > bound:
            if not self.paused:
                sys.stderr.write(
                    f"OCR-Warteschlange voll ({queued} Seiten, Grenze {bound}): "
                    "neue Dokumente warten, bis die Worker aufholen\n"
                )
                sys.stderr.flush()
            self.paused += 1
            yield from self._collect(waiting, wait=False)
            time.sleep(POLL_SECONDS)

    def _ocr_queued(self) -> int:
        from workers.app import OCR_QUEUE
        from workers.status import queued_tasks

        try:
            return queued_tasks(self.ctx.settings.broker_url or "", OCR_QUEUE)
        except Exception:  # the broker away: sending will say so, loudly
            return 0

    def _await_index(self) -> None:
        """Scripts search right after ingest, as with the local runner; if the index is
        away, say so instead of waiting for it."""
        deadline = time.monotonic() + INDEX_GRACE_SECONDS
        pending = list(self._stored)
        while pending and time.monotonic() < deadline:
            pending = [i for i in pending if state.is_waiting_for_index(self.ctx.store, i)]
            if pending:
                time.sleep(POLL_SECONDS)
        if pending:
            self.stats.index_error = (
                f"{len(pending)} Akten noch nicht im Suchindex; sie werden automatisch "
                "nachgetragen, sobald er erreichbar ist"
            )
        elif self._stored and isinstance(self.ctx.index, RefreshingIndex):
            # the workers leave that to the refresh interval; a script reads at once
            try:
                self.ctx.index.refresh()
            except Transient as exc:
                self.stats.index_error = f"nicht aktualisiert: {exc.message}"

    def _observe_ocr(self, manifest: Manifest) -> None:
        """The workers read the pages; the manifest keeps only each OCR stage's total, so
        every page of it counts with that stage's mean (sum and count stay exact)."""
        for event in manifest.events:
            if event.stage != "ocr" or event.seconds is None or event.at < self._run_started:
                continue
            pages = event.details.get("pages")
            if isinstance(pages, int) and pages > 0:
                for _ in range(pages):
                    self._observer.ocr_page(event.seconds / pages)

    def _submit(self, path: Path, channel: Channel) -> FileOutcome | _Waiting:
        ctx = self.ctx
        manifest = self._intake.receive(path, channel)
        if isinstance(manifest, FileOutcome):
            return manifest
        known = records.load_manifest(ctx.store, manifest.id)
        if known is None or known.status != "received":  # else: in flight from before
            steps.submit(ctx, manifest)
        self._send(manifest.id)
        return _Waiting(path, manifest.id)

    def _send(self, record_id: str) -> None:
        from kombu.exceptions import OperationalError

        try:
            tasks.send(self.app, tasks.PREPARE, record_id)
        except OperationalError as exc:
            raise Transient(
                f"Warteschlange nicht erreichbar ({exc}); das Original ist gespeichert "
                "und wird nachgereicht"
            ) from exc

    def _collect(self, waiting: list[_Waiting], *, wait: bool) -> Iterator[FileOutcome]:
        while waiting:
            done = [(item, m) for item, m in self._poll(waiting, wait) if m is not None]
            for item, manifest in done:
                waiting.remove(item)
                result = self._finished(item, manifest, waiting)
                if result is not None:
                    yield result
            if not wait:
                return
            if not done:
                time.sleep(POLL_SECONDS)

    def _poll(
        self, waiting: list[_Waiting], wait: bool
    ) -> Iterator[tuple[_Waiting, Manifest | None]]:
        for item in waiting[: POLL_WINDOW if wait else 1]:
            manifest = records.load_manifest(self.ctx.store, item.record_id)
            finished = manifest is not None and manifest.status != "received"
            yield item, manifest if finished else None

    def _finished(
        self, item: _Waiting, manifest: Manifest, waiting: list[_Waiting]
    ) -> FileOutcome | None:
        with_copies = self._intake.with_later_copies(manifest)
        if with_copies is not manifest:
            manifest = pipeline.save_manifest(with_copies, self.ctx)
        ocr_pages = sum(1 for page in manifest.pages if page.source == "ocr")
        if manifest.status == "stored":
            self._stored.append(manifest.id)
        self.stats.count(manifest, ocr_pages=ocr_pages, since=self._run_started)
        self._observe_ocr(manifest)
        self._on_page(ocr_pages)
        for part_id in outcome.part_ids_of(manifest):  # the container ends after its parts
            waiting.append(_Waiting(item.path, part_id, report=False))
        if not item.report:
            return None
        return outcome.finished(item.path, manifest, ocr_pages=ocr_pages)
