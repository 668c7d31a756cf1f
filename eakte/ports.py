"""Ports: the small interfaces each external tool or server sits behind.

Embedded and distributed modes differ only in which adapters are wired
(``eakte.wiring``). Adapters translate their tool's errors into ``eakte.errors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, Protocol, runtime_checkable

from PIL import Image

from eakte.record import Classification, PageText, local_day

if TYPE_CHECKING:
    from eakte.contract import IngestStatus


@dataclass(frozen=True)
class StoredOriginal:
    """Result of storing an original: its identity and whether it was new."""

    sha256: str
    size: int
    created: bool


class ObjectStore(Protocol):
    """System of record. Originals are content-addressed and write-once; derived objects
    (manifests, reports, renditions) live under their own keys and may be replaced."""

    def put_original(self, source: BinaryIO) -> StoredOriginal:
        """Stream ``source`` into the store, hashing on the way; never overwrite."""
        ...

    def has_original(self, sha256: str) -> bool: ...

    def open_original(self, sha256: str) -> AbstractContextManager[BinaryIO]:
        """Open the original for reading (no hash check; see ``verified_copy``)."""
        ...

    def original_path(self, sha256: str) -> AbstractContextManager[Path]:
        """A local file with the original's bytes, for tools that need a path."""
        ...

    def put_derived(self, key: str, data: bytes) -> None:
        """Atomically write or replace a derived object."""
        ...

    def get_derived(self, key: str) -> bytes | None: ...

    def list_derived(self, prefix: str) -> Iterator[str]: ...

    def delete_derived(self, key: str) -> None: ...

    def list_originals(self) -> Iterator[str]: ...


@runtime_checkable
class GroupSync(Protocol):
    """A store that can make a batch's writes durable with one sync instead of one per
    object (the filesystem store: one ``syncfs`` per batch instead of ~8 ``fsync`` calls
    per record, see ``bench/ingest/born_digital.py``). Inside ``grouped()`` the calling
    thread's writes are not yet durable; ``sync()`` makes everything written so far
    durable. The local runner syncs before every index commit and at the end of a run,
    so the index never names a record the store could still lose."""

    def grouped(self) -> AbstractContextManager[None]: ...

    def sync(self) -> None: ...


@runtime_checkable
class RefreshingIndex(Protocol):
    """An index that makes writes searchable on its own, within its refresh interval
    (Elasticsearch: one second). A writer that need not read its write at once (the
    workers) skips the forced refresh, which costs more than the write itself."""

    def write(self, documents: Sequence[IndexDocument]) -> None:
        """Add or replace documents by id; searchable within the refresh interval."""
        ...

    def refresh(self) -> None:
        """Make every write so far searchable now."""
        ...


@runtime_checkable
class RetentionLock(Protocol):
    """A store whose server enforces retention (MinIO object lock): closing an Akte
    extends its originals' lock to their retention end."""

    def extend_retention(self, sha256: str, until: datetime) -> datetime:
        """Lock the original at least until ``until``, never shorter than it is; returns
        the earliest retain-until in force."""
        ...

    def set_legal_hold(self, sha256: str, on: bool) -> None:
        """Hold the original regardless of its retention (a file under litigation)."""
        ...


@runtime_checkable
class OriginalEraser(Protocol):
    """A store that can delete an original. Only the Aussonderung does, for Akten the
    archive confirmed it took or decided to destroy, after their retention ended; a
    server's lock (MinIO object lock) still has the last word."""

    def delete_original(self, sha256: str) -> None: ...


@dataclass(frozen=True)
class IndexDocument:
    """What the search index knows of a record; always rebuilt from the manifest."""

    id: str
    text: str
    title: str
    media_type: str
    doc_type: str | None = None
    signature: str | None = None
    status: str = "stored"
    received_at: datetime | None = None
    department: str | None = None
    keywords: tuple[str, ...] = ()  # references, IBANs, sender, subject: found as words
    restricted: bool = False  # only callers allowed restricted records find it
    # The archive's description: facets, and the dated span for time filters
    holding: str | None = None  # Bestand
    sender: str | None = None  # Absender as read or corrected (exact: filter and facet)
    place: str | None = None  # Ort
    date_from: date | None = None  # None with a date_to: open towards the past
    date_to: date | None = None  # None with a date_from: open towards today

    @property
    def dated(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    # photos, audio and video (``fields["media"]``): exact values, filters and facets
    medium: str | None = None  # Foto, Video, Ton
    camera: str | None = None
    creator: str | None = None
    year: str | None = None  # taken
    subjects: tuple[str, ...] = ()  # keywords the file itself carries (IPTC, XMP)
    tags: tuple[str, ...] = ()  # what the image shows (German words, image-content module)

    def media_facets(self) -> dict[str, list[str]]:
        """The media facet fields with values (engines index these as exact terms)."""
        values = {
            "medium": [self.medium] if self.medium else [],
            "camera": [self.camera] if self.camera else [],
            "creator": [self.creator] if self.creator else [],
            "year": [self.year] if self.year else [],
            "subjects": list(self.subjects),
            "tags": list(self.tags),
        }
        return {name: found for name, found in values.items() if found}

    @property
    def received_on(self) -> date | None:
        """The office's calendar day of receipt: what the receipt filter compares."""
        return local_day(self.received_at) if self.received_at is not None else None

    @property
    def received_year(self) -> str | None:
        """The year of receipt as the exact term of its facet ("2025")."""
        day = self.received_on
        return str(day.year) if day is not None else None

    @property
    def department_key(self) -> str:
        """The department as engines index it: records without one get a value no
        department has, so "no department" is a term a filter can name."""
        return self.department or NO_DEPARTMENT

    @property
    def title_and_keywords(self) -> str:
        """What engines index as the title: the file name plus the extracted fields, so
        an Aktenzeichen finds its letter without showing up in snippets."""
        return " · ".join((self.title, *self.keywords))


NO_DEPARTMENT = "-"
# Facets every answer lists (empty or not). ``received_year`` is the year a Dokument came
# in, kept apart from the media facet ``year`` (when a photo was taken): a scanned photo
# of 1962 received in 2025 must count under each in its own sense.
FACETS = ("doc_type", "signature", "department", "sender", "holding", "place", "received_year")
# Facets of media records; a search's answer lists them only where a match has a value,
# so a search among letters is not cluttered with empty photo facets
MEDIA_FACETS = ("medium", "camera", "creator", "year", "subjects", "tags")


@dataclass(frozen=True)
class Period:
    """A time filter: records whose dated span (or, as ``received``, day of receipt)
    overlaps ``start``..``end`` (both inclusive, None: open); records without that date
    never match."""

    start: date | None = None
    end: date | None = None

    def overlaps(self, date_from: date | None, date_to: date | None) -> bool:
        """The rule the engines apply, written out for the fake and for tests."""
        if date_from is None and date_to is None:
            return False
        lower, upper = date_from or date.min, date_to or date.max
        return (self.end is None or lower <= self.end) and (
            self.start is None or upper >= self.start
        )

    def covers(self, day: date | None) -> bool:
        """Whether ``day`` lies within (a receipt day: a span of one day)."""
        return day is not None and self.overlaps(day, day)


@dataclass(frozen=True)
class Visibility:
    """Which records a caller may find, applied by the engine inside the query so hits,
    totals, facets and snippets all see the same subset. ``departments`` None: any
    department (records without one included); restricted records only with
    ``restricted``. Callers without a ``Visibility`` (the CLI) see everything."""

    departments: tuple[str, ...] | None = None
    restricted: bool = False

    @property
    def nothing(self) -> bool:
        return self.departments == ()


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    doc_type: str | None
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    """``total`` is exact up to the engines' bound (``EAKTE_SEARCH_TOTAL_BOUND``);
    ``more_than_total``: there are more matches; ``total`` is the bound ("mehr als
    10.000 Treffer")."""

    total: int
    hits: list[SearchHit] = field(default_factory=list)
    more_than_total: bool = False


class SearchIndex(Protocol):
    """A view over the store: losing it loses nothing (``eakte reindex``)."""

    def upsert(self, documents: Sequence[IndexDocument]) -> None:
        """Add or replace documents by id; visible to ``search`` on return."""
        ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        filters: Mapping[str, str] | None = None,
        visible: Visibility | None = None,
        period: Period | None = None,
        received: Period | None = None,
    ) -> SearchResult:
        """All words must match; ``filters`` restrict exact fields (``doc_type``,
        ``signature``, ``holding``, ``place``, ``received_year``), ``period`` the dated
        span, ``received`` the day of receipt (both ends inclusive), and with filters or
        a period an empty query lists every match. ``visible`` restricts every part of
        the answer; None means an unrestricted caller."""
        ...

    def facets(
        self,
        query: str,
        filters: Mapping[str, str] | None = None,
        *,
        visible: Visibility | None = None,
        period: Period | None = None,
        received: Period | None = None,
    ) -> dict[str, dict[str, int]]:
        """Counts of ``search``'s matches per field of ``FACETS`` (always listed) and of
        ``MEDIA_FACETS`` (where a match has a value), under the same restrictions."""
        ...

    def count(self) -> int: ...

    def absent(self, ids: Sequence[str]) -> list[str]:
        """Those of ``ids`` the index does not hold (the crash catch-up asks)."""
        ...

    def clear(self) -> None:
        """Remove every document."""
        ...

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        """Replace the whole index with ``documents`` (``eakte reindex``); returns the
        number loaded. Engines that can, keep serving the old index until the switch."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None


class OcrEngine(Protocol):
    def recognize(self, image: Image.Image) -> OcrResult: ...


class PageSource(Protocol):
    """Draws one page of an original as an image (a handler of a paged medium). Must
    pickle: page jobs carry it into OCR worker processes."""

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image: ...


@dataclass(frozen=True)
class PageJob:
    """One page to read: the original by local path and page index, never pixels, so a
    worker process receives a few hundred bytes per page."""

    record_id: str
    path: str
    index: int
    source: PageSource


@dataclass(frozen=True)
class PageRead:
    """What reading a page gives back: the page's text and facts, and its searchable
    PDF page for the archival rendition (None when renditions are off)."""

    page: PageText
    pdf: bytes | None


class PageReader(Protocol):
    """Reads a scanned page (straighten, turn, OCR, quality). Must pickle: the local
    runner sends it to its worker processes with each job."""

    def read(self, job: PageJob) -> PageRead: ...


class FieldExtractor(Protocol):
    """Fields of a letter's text (date, references, sender, subject, amounts, IBANs)."""

    def extract(self, text: str) -> dict[str, object]: ...


@dataclass(frozen=True)
class SignatureCheck:
    """A validation's result as the core needs it: the verdict for the manifest and the
    index, the per-signature facts, and the full versioned report to store."""

    verdict: str
    sub_indication: str | None
    signatures: list[dict[str, Any]]
    report_json: bytes
    notes: list[str] = field(default_factory=list)  # German: what could not be checked, why


class SignatureValidator(Protocol):
    def validate(
        self,
        path: Path,
        signature_format: Literal["pdf", "cms", "smime"] | None,
        *,
        sha256: str,
        filename: str,
        detached_content: Path | None = None,
        detached_signature: Path | None = None,
    ) -> SignatureCheck:
        """Validate every signature in the original at ``path`` (a format its handler
        names; None: a medium that carries none); never modifies it.
        ``detached_content`` is the document a detached signature (``.p7s``) signs;
        ``detached_signature`` is a ``.p7s`` that arrived with the document at ``path``,
        validated over it (each pairing is judged on the document's own record)."""
        ...

    def render_report(self, report_json: bytes) -> bytes:
        """The German Prüfprotokoll (PDF) for a stored report."""
        ...

    def augment(self, path: Path) -> bytes:
        """A long-term-validation copy of a signed PDF (validation data, document
        timestamp); the original at ``path`` is only read."""
        ...


@dataclass(frozen=True)
class Prediction:
    """A classifier's answer for one text: the best type and the runners-up, each with
    the probability the model gives it."""

    type: str
    confidence: float
    alternatives: list[tuple[str, float]]  # the next best, most likely first
    model_version: str
    review_threshold: float | None = None  # the model's own, fitted at training


class Classifier(Protocol):
    def predict(self, text: str) -> Prediction:
        """Raises ``ModelMissing`` when no model is trained yet."""
        ...


class DocumentRouter(Protocol):
    """Turns a prediction into the routed classification (German label, department,
    Aktenplan position, whether a person should review it) from the configured types."""

    def route(self, prediction: Prediction) -> Classification: ...


@dataclass(frozen=True)
class FilingDecision:
    """What the filing stage did with a Dokument: filed into the Akte it cites, or left
    for a person with the reason and the Aktenplan position its type proposes."""

    aktenzeichen: str | None  # canonical; None: not filed, waits in review
    reason: str  # German
    proposed_position: str | None = None
    restricted: bool = False  # the Akte's position restricts access: so does the Dokument


class Filing(Protocol):
    """Files incoming post into existing Akten (``akten.filing``)."""

    def file_incoming(
        self,
        record_id: str,
        received_on: date,
        cited: Sequence[str],
        text: str,
        proposed_position: str | None,
    ) -> FilingDecision:
        """File the Dokument when ``cited`` (extracted reference values) or ``text``
        name exactly one open Akte; never raises for a letter that names none."""
        ...


@dataclass(frozen=True)
class SealedPdf:
    """A PDF with a document timestamp added (an incremental update), and the token's
    time and issuing TSA as the token says them."""

    data: bytes
    time: datetime
    tsa: str


class PdfSealer(Protocol):
    def __call__(self, pdf: bytes) -> SealedPdf:
        """Add an RFC 3161 document timestamp; ``Transient`` when the TSA is away."""
        ...


class IngestObserver(Protocol):
    """What a runner reports to monitoring while it ingests (the web service's
    ``/metrics``, ``web.metrics``): counts and durations only, never a name, an id or
    text, so whatever exports them cannot leak a Dokument. Called in the thread that
    runs the ingest; an app may run several at once, so it must be thread-safe."""

    def outcome(self, status: IngestStatus) -> None:
        """One input reported (the line ``eakte ingest --json`` prints for it)."""
        ...

    def ocr_page(self, seconds: float) -> None:
        """One page read by OCR in that many seconds."""
        ...


class NoObserver:
    """The default: nobody watches (the CLI, the hot folder)."""

    def outcome(self, status: IngestStatus) -> None:
        pass

    def ocr_page(self, seconds: float) -> None:
        pass
