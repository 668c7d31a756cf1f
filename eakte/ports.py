"""Ports: the small interfaces each external tool or server sits behind.

Embedded and distributed modes differ only in which adapters are wired
(``eakte.wiring``). Adapters translate their tool's errors into ``eakte.errors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from PIL import Image


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

    @property
    def title_and_keywords(self) -> str:
        """What engines index as the title: the file name plus the extracted fields, so
        an Aktenzeichen finds its letter without showing up in snippets."""
        return " · ".join((self.title, *self.keywords))


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    doc_type: str | None
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[SearchHit] = field(default_factory=list)


class SearchIndex(Protocol):
    """A view over the store: losing it loses nothing (``eakte reindex``)."""

    def upsert(self, documents: Sequence[IndexDocument]) -> None:
        """Add or replace documents by id; visible to ``search`` on return."""
        ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def search(
        self, query: str, limit: int = 10, *, filters: Mapping[str, str] | None = None
    ) -> SearchResult:
        """All words must match; ``filters`` restrict exact fields (``doc_type``,
        ``signature``), and with filters an empty query lists every match."""
        ...

    def count(self) -> int: ...

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


class TextExtractor(Protocol):
    """Reads the text layer of a born-digital PDF, one string per page."""

    def page_texts(self, path: Path) -> list[str]: ...


@dataclass(frozen=True)
class SignatureCheck:
    """A validation's result as the core needs it: the verdict for the manifest and the
    index, the per-signature facts, and the full versioned report to store."""

    verdict: str
    sub_indication: str | None
    signatures: list[dict[str, Any]]
    report_json: bytes


class SignatureValidator(Protocol):
    def validate(
        self,
        path: Path,
        media_type: str,
        *,
        sha256: str,
        filename: str,
        detached_content: Path | None = None,
    ) -> SignatureCheck:
        """Validate every signature in the original at ``path``; never modifies it.
        ``detached_content`` is the document a detached signature (``.p7s``) signs."""
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


class Classifier(Protocol):
    def predict(self, text: str) -> Prediction:
        """Raises ``ModelMissing`` when no model is trained yet."""
        ...
