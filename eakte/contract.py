"""The shapes the service answers in, defined once for both transports.

``eakte … --json`` prints these models and the web API declares them as its response
models, so a script and an HTTP client read the same fields (the CLI contract in the
project's architecture notes). The functions that fill them live in
``eakte.retrieval``; the CLI and ``web.routes`` only parse parameters and send.

Field names and order are the contract: JSON output must not change when a model does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from eakte.record import Manifest, Verdict

if TYPE_CHECKING:
    from eakte.ports import SearchResult

IngestStatus = Literal["stored", "duplicate", "quarantined"]
ReportFormat = Literal["pdf", "json"]


class Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PartRef(Contract):
    """A record an input became besides its own: a letter of a scan batch, with its
    1-based first and last page of the input, or an attachment (``pages`` null)."""

    id: str | None
    pages: list[int] | None = None
    # only when the part was refused on its own (the container is stored)
    status: Literal["quarantined"] | None = Field(
        default=None, exclude_if=lambda status: status is None
    )
    error: str | None = Field(default=None, exclude_if=lambda error: error is None)


class IngestLine(Contract):
    """One line of ``eakte ingest --json``: what one input file became."""

    path: str
    id: str | None
    status: IngestStatus
    pages: int | None
    doc_type: str | None
    signature: Verdict | None
    error: str | None
    # only in the line when the input became several records
    parts: list[PartRef] | None = Field(default=None, exclude_if=lambda parts: parts is None)

    @property
    def part_ids(self) -> list[str]:
        """The records this input became besides its own (attachments, letters)."""
        return [part.id for part in self.parts or [] if part.id]

    def contract_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class SearchHitView(Contract):
    id: str
    score: float
    doc_type: str | None
    snippet: str


class SearchResponse(Contract):
    """``eakte search --json`` and ``GET /api/search``."""

    total: int  # exact up to EAKTE_SEARCH_TOTAL_BOUND
    hits: list[SearchHitView]
    more_than_total: bool = False  # more matches than ``total`` (the bound)

    @classmethod
    def of(cls, result: SearchResult) -> SearchResponse:
        return cls.model_validate(result, from_attributes=True)


class SearchFacets(Contract):
    """``GET /api/search/facets``: matches per ``doc_type``, ``signature``, ``department``,
    ``holding`` (Bestand), ``place`` (Ort) and ``received_year`` (Jahr des Eingangs),
    always listed; media facets (``year``: when a photo was taken, …) where a match has
    a value."""

    facets: dict[str, dict[str, int]]


class ManifestView(Manifest):
    """``eakte show --json`` and ``GET /api/records/{id}``: the stored manifest as it is,
    plus the document type for scripts (never stored: the manifest has no such field)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def doc_type(self) -> str | None:
        return self.classification.type if self.classification else None

    @classmethod
    def of(cls, manifest: Manifest) -> ManifestView:
        return cls.model_validate(manifest, from_attributes=True)


class ReportDocument(Contract):
    """The Prüfprotokoll of a record's last signature validation, as the stored JSON
    report or rendered as PDF (``eakte report`` and ``GET …/pruefprotokoll``)."""

    record_id: str
    format: ReportFormat
    content: bytes

    @property
    def media_type(self) -> str:
        return "application/pdf" if self.format == "pdf" else "application/json"

    @property
    def filename(self) -> str:
        return f"pruefprotokoll-{self.record_id[:12]}.{self.format}"


Reachability = Literal["ok", "nicht erreichbar"]


class Health(Contract):
    """``GET /health``: for load balancers, no internals (the reason goes to the log)."""

    status: Literal["ok", "gestört"]
    checks: dict[str, Reachability]
