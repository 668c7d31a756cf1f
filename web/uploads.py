"""Sendungen: uploads taken in at once and captured in the background.

An upload answers as soon as its files are on disk, with a status URL; the capture runs
in this process's one upload thread (embedded: the local pipeline; distributed: the
runner hands the stages to the workers), one Sendung after another. Each Sendung's
progress is kept in the store (``sendungen/<id>.json``), so every API process of the
installation can answer its status. The received files wait in a spool folder under
the data directory until the pipeline has stored their originals; a process that stops
in between captures them when it starts again (``resume``), so nothing received is lost.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from eakte.context import Context
from eakte.contract import Contract, IngestLine
from eakte.record import utc_now
from eakte.wiring import Runner

log = logging.getLogger(__name__)

FileState = Literal["waiting", "working", "done"]
WRITE_EVERY_SECONDS = 0.5  # progress is written at most this often while pages are read
PREFIX = "sendungen/"


class SendungFile(Contract):
    """One uploaded file: waiting, being captured, or done with what it became."""

    name: str
    state: FileState = "waiting"
    line: IngestLine | None = None


class Sendung(Contract):
    """An upload of one or more files and how far its capture has come."""

    id: str
    status_url: str
    uploaded_by: str
    received_at: datetime
    files: list[SendungFile]
    pages_read: int = 0  # pages read by OCR so far, over all files
    finished_at: datetime | None = None
    error: str | None = None  # the capture stopped; the files are captured on restart

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.files if item.state == "done")


RunnerFactory = Callable[[Context, Callable[[int], None]], Runner]


def new_sendung_id() -> str:
    return secrets.token_urlsafe(12)


def load_sendung(ctx: Context, sendung_id: str) -> Sendung | None:
    data = ctx.store.get_derived(f"{PREFIX}{sendung_id}.json")
    if data is None:
        return None
    try:
        return Sendung.model_validate_json(data)
    except ValidationError:
        return None  # written by an older version: its Dokumente are in the store


class UploadJobs:
    """This process's upload thread and the Sendungen it captures."""

    def __init__(self, ctx: Context, spool: Path, runner: RunnerFactory) -> None:
        self.ctx = ctx
        self.spool = spool
        self._runner = runner
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="eakte-upload")
        self._lock = threading.Lock()
        self._waiting = 0
        self._running: dict[str, Future[Sendung]] = {}

    @property
    def waiting(self) -> int:
        """Sendungen received but not yet finished (queued or running)."""
        return self._waiting

    def folder(self, sendung_id: str) -> Path:
        """Where a Sendung's files wait, one numbered folder per file (names may repeat)."""
        return self.spool / sendung_id

    def submit(self, sendung_id: str, uploaded_by: str, names: list[str]) -> Sendung:
        """Start capturing the files already written to ``folder(sendung_id)``."""
        sendung = Sendung(
            id=sendung_id,
            status_url=f"/api/upload/{sendung_id}",
            uploaded_by=uploaded_by,
            received_at=utc_now(),
            files=[SendungFile(name=name) for name in names],
        )
        self.save(sendung)
        self._start(sendung)
        return sendung

    def wait(self, sendung_id: str) -> Sendung:
        """The Sendung once its capture has finished (one this process runs)."""
        with self._lock:
            running = self._running.get(sendung_id)
        if running is not None:
            return running.result()
        finished = load_sendung(self.ctx, sendung_id)  # ended before we asked
        if finished is None:
            raise KeyError(sendung_id)
        return finished

    def resume(self) -> list[str]:
        """Capture what a stopped process left in the spool; returns the Sendungen."""
        resumed = []
        for folder in sorted(self.spool.glob("*")) if self.spool.is_dir() else []:
            sendung = load_sendung(self.ctx, folder.name)
            if sendung is None:
                log.warning("Upload-Zwischenablage ohne Sendung: %s", folder)
                continue
            if sendung.done and sendung.error is None:
                shutil.rmtree(folder, ignore_errors=True)
                continue
            self._start(sendung.model_copy(update={"finished_at": None, "error": None}))
            resumed.append(sendung.id)
        return resumed

    def close(self) -> None:
        """Let the running capture end; queued Sendungen stay in the spool for restart."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _start(self, sendung: Sendung) -> None:
        with self._lock:
            self._waiting += 1
            self._running[sendung.id] = self._pool.submit(self._capture, sendung)

    def _capture(self, sendung: Sendung) -> Sendung:
        progress = _Progress(self, sendung)
        try:
            folder = self.folder(sendung.id)
            todo = {
                folder / str(number) / item.name: number
                for number, item in enumerate(sendung.files)
                if item.state != "done"
            }
            progress.working(next(iter(todo.values()), None))
            # the signed-in user brought the files in: the Transfervermerk names them
            runner = self._runner(self.ctx.scanned_by(sendung.uploaded_by), progress.pages)
            for outcome in runner.ingest(list(todo), "upload"):
                line = IngestLine.model_validate(outcome.contract_json())
                number = todo[Path(line.path)]
                progress.finished(number, line.model_copy(update={"path": Path(line.path).name}))
            shutil.rmtree(folder, ignore_errors=True)
            return progress.end(error=None)
        except Exception as error:  # the files stay in the spool; resume() retries
            log.exception("Erfassung der Sendung %s abgebrochen", sendung.id)
            return progress.end(error=f"Erfassung abgebrochen ({type(error).__name__}).")
        finally:
            with self._lock:
                self._waiting -= 1
                self._running.pop(sendung.id, None)

    def save(self, sendung: Sendung) -> None:
        self.ctx.store.put_derived(
            f"{PREFIX}{sendung.id}.json", sendung.model_dump_json().encode("utf-8")
        )


class _Progress:
    """A Sendung's state during its capture; writes it to the store as it changes, page
    counts at most every ``WRITE_EVERY_SECONDS`` (pages finish in other threads)."""

    def __init__(self, jobs: UploadJobs, sendung: Sendung) -> None:
        self._jobs = jobs
        self._sendung = sendung
        self._lock = threading.Lock()
        self._written = 0.0

    def pages(self, count: int) -> None:
        with self._lock:
            pages_read = self._sendung.pages_read + count
            self._sendung = self._sendung.model_copy(update={"pages_read": pages_read})
            if time.monotonic() - self._written >= WRITE_EVERY_SECONDS:
                self._write()

    def working(self, number: int | None) -> None:
        with self._lock:
            if number is not None:
                self._set_file(number, state="working")
            self._write()

    def finished(self, number: int, line: IngestLine) -> None:
        with self._lock:
            self._set_file(number, state="done", line=line)
            waiting = [n for n, item in enumerate(self._sendung.files) if item.state == "waiting"]
            busy = any(item.state == "working" for item in self._sendung.files)
            if waiting and not busy:
                self._set_file(waiting[0], state="working")
            self._write()

    def end(self, error: str | None) -> Sendung:
        with self._lock:
            self._sendung = self._sendung.model_copy(
                update={"finished_at": utc_now(), "error": error}
            )
            self._write()
            return self._sendung

    def _set_file(self, number: int, **changes: object) -> None:
        files = list(self._sendung.files)
        files[number] = files[number].model_copy(update=changes)
        self._sendung = self._sendung.model_copy(update={"files": files})

    def _write(self) -> None:
        self._jobs.save(self._sendung)
        self._written = time.monotonic()
