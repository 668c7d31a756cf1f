"""The stage order, run by both schedulers against fakes (store, index, OCR): the local
runner with its process pool, and the Celery tasks in eager mode. Same inputs, same
records, same index; each in seconds."""

from __future__ import annotations

import functools
import io
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from PIL import Image, PngImagePlugin

from eakte.context import Context
from eakte.contract import IngestStatus
from eakte.local_runner import LocalRunner
from eakte.outcome import FileOutcome
from eakte.ports import IngestObserver
from eakte.records import load_manifest
from eakte.settings import Settings
from eakte.wiring import Runner
from tests.fakes.context import fake_context
from tests.fakes.index import FakeIndex
from tests.fakes.pages import CRASH_ALWAYS, CRASH_ONCE, CrashingPageReader


def scan_png(text: str) -> bytes:
    """A page image that carries its own 'OCR' text for the fake reader."""
    info = PngImagePlugin.PngInfo()
    info.add_text("ocr", text)
    image = Image.new("L", (800, 1100), 255)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, dpi=(300, 300))
    return buffer.getvalue()


def born_digital_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def mail_with_scan(subject: str, attachment: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "Erika Mustermann <erika@example.org>"
    message["To"] = "poststelle@stadt.example"
    message["Subject"] = subject
    message["Date"] = "Fri, 04 Dec 2026 10:00:00 +0100"
    message.set_content("Sehr geehrte Damen und Herren,\nanbei mein Antrag.\n")
    message.add_attachment(attachment, maintype="image", subtype="png", filename="antrag.png")
    return bytes(message)


def write_batch(folder: Path) -> list[Path]:
    return write_files(folder, batch_files())


@functools.cache
def batch_files() -> dict[str, bytes]:
    """Made once: a mail's MIME boundary is random, and both runs must get the same bytes."""
    return {
        "1-scan.png": scan_png("Widerspruch gegen den Gebührenbescheid Az. 63-2024-0815"),
        "2-brief.pdf": born_digital_pdf(
            "Sehr geehrte Damen und Herren, hiermit beantrage ich eine Baugenehmigung "
            "für den Carport auf dem Grundstück Lindenweg 7."
        ),
        "3-mail.eml": mail_with_scan("Antrag Sondernutzung", scan_png("Sondernutzung Marktplatz")),
        "4-leer.pdf": b"",
        "5-kopie.png": scan_png("Widerspruch gegen den Gebührenbescheid Az. 63-2024-0815"),
    }


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def local_runner(ctx: Context, observer: IngestObserver | None = None) -> Runner:
    return LocalRunner(ctx, observer=observer)


class _FixedContext:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def get(self) -> Context:
        return self.ctx


def celery_runner(ctx: Context, observer: IngestObserver | None = None) -> Runner:
    """The Celery tasks, run in place (eager): the same steps the workers run."""
    from workers.app import create_app
    from workers.dispatch import QueueRunner

    app = create_app(
        ctx.settings.model_copy(
            update={"broker_url": "memory://", "result_backend": "cache+memory://"}
        )
    )
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    app.eakte = _FixedContext(ctx)
    return QueueRunner(ctx, app, observer=observer)


SCHEDULERS: dict[str, Callable[..., Runner]] = {
    "local": local_runner,
    "celery": celery_runner,
}


def run(ctx: Context, scheduler: str, paths: list[Path]) -> dict[str, FileOutcome]:
    runner = SCHEDULERS[scheduler](ctx)
    return {Path(result.path).name: result for result in runner.ingest(paths)}


def contract(results: dict[str, FileOutcome]) -> dict[str, dict[str, Any]]:
    return {name: result.contract_json() for name, result in results.items()}


@pytest.fixture
def stage_settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        workers=2,
        model_cache_dir=tmp_path / "none",
        scan_operator="Poststelle",
    )


@pytest.mark.parametrize("scheduler", sorted(SCHEDULERS))
def test_both_schedulers_run_the_stages_in_order(
    scheduler: str, stage_settings: Settings, tmp_path: Path
) -> None:
    ctx = fake_context(stage_settings)
    results = run(ctx, scheduler, write_batch(tmp_path))

    assert {name: r.status for name, r in results.items()} == {
        "1-scan.png": "stored",
        "2-brief.pdf": "stored",
        "3-mail.eml": "stored",
        "4-leer.pdf": "quarantined",
        "5-kopie.png": "duplicate",
    }
    scan = load_manifest(ctx.store, str(results["1-scan.png"].id))
    assert scan is not None and [p.source for p in scan.pages] == ["ocr"]
    assert scan.fields["references"][0]["value"] == "63-2024-0815"  # fields after OCR
    assert [e.kind for e in scan.events].count("duplicate") == 1
    letter = load_manifest(ctx.store, str(results["2-brief.pdf"].id))
    assert letter is not None and letter.pages[0].source == "text_layer"
    assert letter.signature is not None and letter.signature.verdict == "UNSIGNED"
    (attachment,) = results["3-mail.eml"].part_ids
    part = load_manifest(ctx.store, attachment)
    assert part is not None and part.fields["part_of"] == results["3-mail.eml"].id
    assert "Sondernutzung Marktplatz" in part.full_text
    # a scan carries a Transfervermerk; a born-digital letter and a mail's scan do not
    note = scan.transfer_note
    assert note is not None and note.scanned_by == "Poststelle" and note.qa_passed
    assert letter.transfer_note is None and part.transfer_note is None
    empty = load_manifest(ctx.store, str(results["4-leer.pdf"].id))
    assert empty is not None and empty.status == "quarantined"

    index = ctx.index
    assert isinstance(index, FakeIndex)
    assert set(index.documents) == {scan.id, letter.id, results["3-mail.eml"].id, attachment}
    assert index.search("Carport").hits[0].id == letter.id
    assert index.search("63-2024-0815").total == 1


class Tally:
    """An ``IngestObserver`` that keeps what it is told."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.ocr_seconds: list[float] = []

    def outcome(self, status: IngestStatus) -> None:
        self.outcomes[status] += 1

    def ocr_page(self, seconds: float) -> None:
        self.ocr_seconds.append(seconds)


@pytest.mark.parametrize("scheduler", sorted(SCHEDULERS))
def test_both_schedulers_tell_the_observer_each_outcome_and_ocr_page(
    scheduler: str, stage_settings: Settings, tmp_path: Path
) -> None:
    tally = Tally()
    runner = SCHEDULERS[scheduler](fake_context(stage_settings), observer=tally)
    lines = list(runner.ingest(write_batch(tmp_path)))

    assert tally.outcomes == Counter(line.status for line in lines)
    assert tally.outcomes == {"stored": 3, "quarantined": 1, "duplicate": 1}
    # the scan and the mail's attachment (a part: read, though not a line of its own)
    assert len(tally.ocr_seconds) == runner.stats.ocr_pages == 2
    assert all(seconds >= 0 for seconds in tally.ocr_seconds)


def test_both_schedulers_report_the_same_contract(stage_settings: Settings, tmp_path: Path) -> None:
    """What scripts see must not depend on where the stages ran."""
    reports = []
    for scheduler in sorted(SCHEDULERS):
        folder = tmp_path / scheduler
        folder.mkdir()
        results = run(fake_context(stage_settings), scheduler, write_batch(folder))
        reports.append({name: {**line, "path": None} for name, line in contract(results).items()})
    # a copy within the batch reports its first copy's facts only once that is finished,
    # which depends on timing, not on the scheduler
    for report in reports:
        report["5-kopie.png"] = {k: report["5-kopie.png"][k] for k in ("id", "status")}
    assert reports[0] == reports[1]


def run_crashing(
    settings: Settings, folder: Path, second: str
) -> tuple[Context, dict[str, FileOutcome]]:
    """Three scans through the local runner whose reader really dies on the second."""
    markers = folder / "markers"
    markers.mkdir()
    ctx = fake_context(settings, CrashingPageReader(str(markers)))
    files = {f"{n}.png": scan_png(text) for n, text in enumerate(["Erster", second, "Dritter"])}
    return ctx, run(ctx, "local", write_files(folder, files))


def test_a_page_whose_process_dies_is_read_again_in_a_fresh_one(
    stage_settings: Settings, tmp_path: Path
) -> None:
    ctx, results = run_crashing(stage_settings, tmp_path, f"Zweiter Brief {CRASH_ONCE}")

    assert [r.status for r in results.values()] == ["stored", "stored", "stored"]
    retried = load_manifest(ctx.store, str(results["1.png"].id))
    assert retried is not None and "Zweiter Brief" in retried.full_text
    assert [e.kind for e in retried.events].count("page_retried") == 1


def test_a_page_that_kills_its_process_twice_quarantines_only_its_record(
    stage_settings: Settings, tmp_path: Path
) -> None:
    ctx, results = run_crashing(stage_settings, tmp_path, f"Giftig {CRASH_ALWAYS}")

    assert [r.status for r in results.values()] == ["stored", "quarantined", "stored"]
    killed = load_manifest(ctx.store, str(results["1.png"].id))
    assert killed is not None
    assert killed.events[-1].details["reason"] == "worker_crashed"
    assert "zweimal abgestürzt" in str(results["1.png"].error)
    assert ctx.store.has_original(killed.id)  # nothing is lost
