"""A real OCR process killed with SIGKILL in the middle of a page: the page is read
again in a fresh process, every record of the batch is stored, nothing is lost."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from eakte.local_runner import LocalRunner
from eakte.ports import PageJob, PageRead
from eakte.records import load_manifest
from eakte.settings import Settings
from eakte.wiring import build_context
from ingest.pages import ScanPageReader
from samples.render import render_page

VICTIM_PAGE_TEXT = "Zweiter Brief"


@dataclass(frozen=True)
class PausingReader:
    """The real reader; on the victim's first attempt it writes its pid and waits (at
    most a minute) before reading, so the test can kill it mid-page."""

    inner: ScanPageReader
    folder: str
    victim: str

    def read(self, job: PageJob) -> PageRead:
        first = Path(self.folder) / f"{job.record_id}.pid"
        if job.record_id == self.victim and not first.exists():
            first.write_text(str(os.getpid()))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                time.sleep(0.05)
        return self.inner.read(job)


def test_sigkill_of_an_ocr_process_mid_batch_loses_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=2, model_cache_dir=tmp_path / "m")
    letters = ["Erster Brief an die Stadt", f"{VICTIM_PAGE_TEXT} an die Stadt", "Dritter Brief"]
    paths = []
    for number, text in enumerate(letters):
        path = tmp_path / f"brief-{number}.png"
        render_page(f"Sehr geehrte Damen und Herren,\n{text}.").save(path, dpi=(300, 300))
        paths.append(path)
    victim = _sha256(paths[1])
    ctx = build_context(settings)
    reader = PausingReader(ScanPageReader.from_settings(settings), str(tmp_path), victim)
    ctx = dataclasses.replace(ctx, pages=reader)
    killed: list[int] = []
    killer = threading.Thread(target=_kill_when_waiting, args=(tmp_path / f"{victim}.pid", killed))
    killer.start()
    try:
        results = list(LocalRunner(ctx).ingest(paths))
    finally:
        killer.join()
        ctx.index.close()

    assert killed, "the OCR process was never seen mid-page"
    assert [r.status for r in results] == ["stored", "stored", "stored"]
    retried = load_manifest(ctx.store, victim)
    assert retried is not None and VICTIM_PAGE_TEXT in retried.full_text
    (event,) = [e for e in retried.events if e.kind == "page_retried"]
    assert event.details["exitcode"] == -signal.SIGKILL
    for path, result in zip(paths, results, strict=True):
        with ctx.store.open_original(str(result.id)) as original:
            assert original.read() == path.read_bytes()


def _kill_when_waiting(pid_file: Path, killed: list[int]) -> None:
    deadline = time.monotonic() + 120
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_file.exists():
        time.sleep(0.2)  # the pid is written before the wait begins
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
