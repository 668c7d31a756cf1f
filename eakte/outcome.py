"""What one input became, as the CLI contract reports it, for both schedulers
(the local process pool and the Celery workers)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import Field

from eakte import pipeline
from eakte.contract import IngestLine, PartRef
from eakte.errors import EakteError, UnexpectedFailure
from eakte.record import Manifest


class FileOutcome(IngestLine):
    """An ingest line and what the run counts besides (not part of the contract)."""

    ocr_pages: int = Field(default=0, exclude=True)

    @property
    def quarantined_parts(self) -> list[PartRef]:
        """Parts refused on their own (an attachment, a member of a ZIP)."""
        return [part for part in self.parts or [] if part.status == "quarantined"]

    @property
    def refused_anything(self) -> bool:
        """The input, or a part of it, is in quarantine: the exit code says so."""
        return self.status == "quarantined" or bool(self.quarantined_parts)


@dataclass
class RunStats:
    """Totals of one run, for the summary and ``--stats-json``."""

    files: int = 0
    pages: int = 0
    ocr_pages: int = 0
    wall_seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    index_error: str | None = None

    def count(self, manifest: Manifest, *, ocr_pages: int, since: datetime) -> None:
        """Add a finished record; stage times only from events of this run."""
        self.pages += manifest.page_count if manifest.status == "stored" else 0
        self.ocr_pages += ocr_pages
        for event in manifest.events:
            if event.stage and event.seconds is not None and event.at >= since:
                self.stage_seconds[event.stage] += event.seconds


def finished(path: Path, manifest: Manifest, *, ocr_pages: int = 0) -> FileOutcome:
    """The outcome of a record that reached its end: stored or quarantined."""
    if manifest.status == "quarantined":
        return FileOutcome(
            path=str(path),
            id=manifest.id,
            status="quarantined",
            pages=None,
            doc_type=None,
            signature=None,
            error=manifest.errors[-1] if manifest.errors else "Quarantäne",
        )
    return FileOutcome(
        path=str(path),
        id=manifest.id,
        status="stored",
        pages=manifest.page_count,
        doc_type=manifest.doc_type,
        signature=manifest.signature.verdict if manifest.signature else None,
        error=None,
        ocr_pages=ocr_pages,
        parts=listed_parts(manifest),
    )


def part_ids_of(manifest: Manifest) -> list[str]:
    return [part.id for part in listed_parts(manifest) or [] if part.id]


def listed_parts(manifest: Manifest | None) -> list[PartRef] | None:
    """The records an input became besides its own (attachments, letters of a batch)."""
    parts = manifest.fields.get("parts") if manifest is not None else None
    if not isinstance(parts, list) or not parts:
        return None
    return [PartRef.model_validate(part) for part in parts]


def duplicate(
    path: Path, known: Manifest | None, record_id: str = "", *, verdict_applies: bool = True
) -> FileOutcome:
    """``known`` is the stored record, or None for a copy of one still in this batch;
    ``verdict_applies`` is False when its signature verdict is about another document."""
    verdict = known.signature.verdict if known and known.signature else None
    return FileOutcome(
        path=str(path),
        id=known.id if known else record_id,
        status="duplicate",
        pages=known.page_count if known else None,
        doc_type=known.doc_type if known else None,
        signature=verdict if verdict_applies else None,
        error=None,
        parts=listed_parts(known),
    )


def unreadable(path: Path, error: OSError) -> FileOutcome:
    """A path we cannot even read has no bytes to keep; say so and go on."""
    return FileOutcome(
        path=str(path),
        id=None,
        status="quarantined",
        pages=None,
        doc_type=None,
        signature=None,
        error=f"Datei nicht lesbar: {error.strerror or error}",
    )


def as_rejection(error: Exception) -> EakteError:
    """Decide what one failing input means for the batch.

    Rejections and tool failures quarantine the input; errors of the installation
    (a missing Tesseract) are re-raised because every later input would fail alike;
    anything unexpected quarantines this input with its traceback instead of stopping
    the whole batch.
    """
    if isinstance(error, EakteError):
        if pipeline.is_rejection(error):
            return error
        raise error
    failure = UnexpectedFailure(
        f"Interner Fehler bei der Verarbeitung ({type(error).__name__}: {error})"[:300]
    )
    failure.__cause__ = error
    return failure
