"""The record: what the pipeline learned about one original, stored as its manifest.

The original bytes are the record; the manifest is derived and can be rewritten, the
original never. Models are frozen so a stage returns a new manifest instead of
changing one another stage still holds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

MANIFEST_SCHEMA_VERSION = 1

# received: the original is stored, the workers have not finished it yet
Status = Literal["received", "stored", "quarantined"]
Channel = Literal["cli", "upload", "scan", "email", "hotfolder"]
# part: read in the record of the letter that holds this page of a scan batch;
# skipped: not read: a separator sheet between letters, or a blank page dropped
TextSource = Literal["text_layer", "ocr", "none", "part", "skipped"]
# The verdict vocabulary of ETSI EN 319 102-1, defined once for the whole service: one
# signature's indication, and a document's verdict (its worst signature's, or UNSIGNED)
Indication = Literal["TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"]
Verdict = Literal[Indication, "UNSIGNED"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
VERDICT_WORDS: dict[str, str] = {
    "TOTAL_PASSED": "gültig",
    "TOTAL_FAILED": "ungültig",
    "INDETERMINATE": "unbestimmt",
    "UNSIGNED": "nicht signiert",
}


# Where the offices work: times are stored in UTC, but the day (and year) a letter came
# in is the one on the office's calendar, as the UI shows its time
LOCAL_TIME = ZoneInfo("Europe/Berlin")


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The office's calendar day of ``moment`` (a naive time is taken as UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TIME).date()


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PageText(Frozen):
    """Text of one page and where it came from; confidence is Tesseract's mean word confidence."""

    number: int = Field(ge=1)
    text: str
    source: TextSource
    ocr_confidence: float | None = None
    rotated: int = 0  # degrees the page was turned (OSD) before it was read
    # Tesseract languages (models) that read the page, when OCRed; "deu+frk" for Fraktur
    ocr_languages: str | None = None
    skew: float | None = None  # degrees of deskew applied
    blank: bool = False
    # Quality control for replacement scanning: German reasons; empty when the page is fine
    rescan: list[str] = Field(default_factory=list)


class Event(Frozen):
    """One processing step or incident, kept forever in the manifest's history."""

    at: datetime = Field(default_factory=utc_now)
    kind: str
    message: str = ""
    stage: str | None = None
    seconds: float | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Classification(Frozen):
    """The document type and where the letter goes; ``needs_review`` when the model was
    less sure than the configured threshold (a person decides)."""

    type: str
    label: str
    confidence: float
    alternatives: list[dict[str, Any]] = Field(default_factory=list)
    model_version: str | None = None
    department: str | None = None
    aktenplan: str | None = None
    needs_review: bool = False
    corrected: bool = False  # set by a person (`eakte correct`), not by the model


class SignatureSummary(Frozen):
    """The document verdict (ETSI EN 319 102-1); the full report is stored beside it."""

    verdict: Verdict
    sub_indication: str | None = None
    validated_at: datetime | None = None
    report_key: str | None = None
    signatures: list[dict[str, Any]] = Field(default_factory=list)


class ArchivalDescription(Frozen):
    """The archive's description of a record (Stadtarchiv: Bestand, Signatur, Titel …),
    kept as the archive wrote it; ``date_from``/``date_to`` are derived from the dating
    as written ("um 1925", "1933–1945") so search can filter and sort by time, and are
    None when the dating could not be read (the text stays)."""

    holding: str | None = None  # Bestand
    reference_code: str | None = None  # Signatur
    title: str | None = None  # Titel
    date_text: str | None = None  # Datierung, as written
    date_from: date | None = None
    date_to: date | None = None
    place: str | None = None  # Ort
    extent: str | None = None  # Umfang
    access: str | None = None  # Sperre / Schutzfrist, as written
    closed_until: date | None = None  # the last day of the Sperre, read from ``access``
    rights: str | None = None  # Rechte


TR_03138 = "BSI TR-03138 (RESISCAN)"


class FlaggedPage(Frozen):
    """A scanned page the quality control wants scanned again, with its German reasons."""

    number: int = Field(ge=1)
    reasons: list[str]


class TransferNote(Frozen):
    """The Transfervermerk of BSI TR-03138 (RESISCAN) of a scanned Dokument: who scanned
    it, when, on which device and in which batch, what the quality control found, and
    whether the paper may be destroyed (with the reason, in German). Built once when the
    record is finished; the sealed rendition's SHA-256 and timestamp bind it to the scan."""

    reference: str = TR_03138
    scanned_by: str | None = None  # None: nobody named (EAKTE_SCAN_OPERATOR not set)
    received_at: datetime
    scanned_at: datetime | None = None  # as the scanner wrote it into the file
    device: str | None = None  # scanner or scan software, from the file's metadata
    batch: str  # the scanned file the pages came from
    batch_pages: list[int] | None = None  # [first, last] of a letter split from a batch
    pages_checked: int = 0
    qa_passed: bool
    flagged: list[FlaggedPage] = Field(default_factory=list)
    paper_destruction_allowed: bool
    paper_destruction_reason: str
    rendition_sha256: str | None = None  # the PDF/A rendition the timestamp seals
    rendition_timestamp: datetime | None = None
    rendition_tsa: str | None = None
    rendition_not_sealed: str | None = None  # why not, when a TSA was set but failed


class Manifest(Frozen):
    """Versioned JSON document stored next to the original under ``manifests/<id>.json``."""

    schema_version: int = MANIFEST_SCHEMA_VERSION
    id: str
    sha256: str
    size: int
    status: Status = "stored"
    channel: Channel = "cli"
    received_at: datetime = Field(default_factory=utc_now)
    # who brought the original in: `eakte ingest --scanner-person`, EAKTE_SCAN_OPERATOR
    # or the web upload's user; None when nobody was named
    received_by: str | None = None
    original_filename: str
    media_type: str = "application/octet-stream"
    page_count: int = 0
    pages: list[PageText] = Field(default_factory=list)
    classification: Classification | None = None
    signature: SignatureSummary | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    renditions: dict[str, str] = Field(default_factory=dict)  # name -> derived object key
    events: list[Event] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    # Visibility: a department a person assigned (wins over the classifier's routing) and
    # whether only those allowed restricted records may see it (personnel, health files)
    assigned_department: str | None = None
    restricted: bool = False
    # The archive's description (`eakte archiv import`); each change is an event
    archival: ArchivalDescription | None = None
    # Transfervermerk (BSI TR-03138) of a scanned Dokument; None for born-digital ones
    transfer_note: TransferNote | None = None

    @property
    def doc_type(self) -> str | None:
        return self.classification.type if self.classification else None

    @property
    def department(self) -> str | None:
        """Who the Dokument belongs to: the person's assignment, else the routing."""
        if self.assigned_department:
            return self.assigned_department
        return self.classification.department if self.classification else None

    @property
    def full_text(self) -> str:
        return "\n\n".join(page.text for page in self.pages if page.text)

    def with_event(self, event: Event) -> Manifest:
        return self.model_copy(update={"events": [*self.events, event]})

    def to_json(self) -> bytes:
        return self.model_dump_json(indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        return cls.model_validate_json(data)
