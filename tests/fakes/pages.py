"""Fake page readers for stage tests (fakes, named as such). They pickle into the OCR
worker processes like the real ``ScanPageReader`` and read what the test wrote into
the page image itself (a PNG text chunk ``ocr``), instead of running Tesseract.

``CrashingPageReader`` really kills its own worker process (SIGKILL) on the pages of a
file whose text says so: the crash the local runner must contain is real, only its
cause is staged."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

from eakte.ports import PageJob, PageRead
from eakte.record import PageText

CRASH_ALWAYS = "CRASH-ALWAYS"
CRASH_ONCE = "CRASH-ONCE"


@dataclass(frozen=True)
class FakePageReader:
    dpi: int = 300

    def read(self, job: PageJob) -> PageRead:
        image = job.source.page_image(Path(job.path), job.index, self.dpi)
        text = str(image.info.get("ocr", ""))
        page = PageText(number=job.index + 1, text=text, source="ocr", ocr_confidence=90.0)
        return PageRead(page=page, pdf=None)


@dataclass(frozen=True)
class CrashingPageReader:
    """Dies on pages saying CRASH-ALWAYS; on CRASH-ONCE only the first time (a marker
    file in ``marker_dir`` remembers it across processes)."""

    marker_dir: str
    dpi: int = 300

    def read(self, job: PageJob) -> PageRead:
        read = FakePageReader(self.dpi).read(job)
        marker = Path(self.marker_dir) / f"{job.record_id}-{job.index}"
        if CRASH_ALWAYS in read.page.text or (CRASH_ONCE in read.page.text and not marker.exists()):
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return read
