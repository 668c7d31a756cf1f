"""The receipt filters of a search, as the API and the Suche page both take them: the
year a Dokument came in (``jahr``, the facet ``received_year``) and a range of days of
receipt (``eingang_von``/``eingang_bis``, both included, on the office's calendar).

One place turns them into what ``SearchIndex`` takes, so the API and the page cannot
drift apart on what a range means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import HTTPException, Query

from eakte.ports import Period
from eakte.retrieval import ReversedRange, received_period

MIN_YEAR, MAX_YEAR = 1, 9999


@dataclass(frozen=True)
class Receipt:
    """A search's receipt filters, checked: ``received`` None means any day."""

    year: int | None = None
    received: Period | None = None

    @property
    def filters(self) -> dict[str, str]:
        """The exact-field part (``SearchIndex`` filters)."""
        return {"received_year": str(self.year)} if self.year is not None else {}

    @property
    def given(self) -> bool:
        return self.year is not None or self.received is not None

    def audit_details(self) -> dict[str, str]:
        """What the audit trail records of them (only what was asked)."""
        received = self.received or Period()
        details = {"jahr": self.year, "eingang_von": received.start, "eingang_bis": received.end}
        return {name: str(value) for name, value in details.items() if value is not None}


def receipt_query(
    jahr: Annotated[
        int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="Jahr des Eingangs, z. B. 2025")
    ] = None,
    eingang_von: Annotated[
        date | None, Query(description="Eingegangen am oder nach diesem Tag (JJJJ-MM-TT)")
    ] = None,
    eingang_bis: Annotated[
        date | None, Query(description="Eingegangen am oder vor diesem Tag (JJJJ-MM-TT)")
    ] = None,
) -> Receipt:
    """The API's receipt parameters (a FastAPI dependency): dates as ISO days, a bad
    one is a 422 in German like every other parameter."""
    try:
        return Receipt(jahr, received_period(eingang_von, eingang_bis))
    except ReversedRange:
        raise HTTPException(422, "Ungültige Anfrage: eingang_bis liegt vor eingang_von") from None


Term = Annotated[str | None, Query(min_length=1, max_length=300)]


def exact_query(
    typ: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Dokumenttyp")
    ] = None,
    abteilung: Term = None,
    absender: Term = None,
    bestand: Term = None,
    ort: Term = None,
) -> dict[str, str]:
    """The exact-value filters of the API (a FastAPI dependency), named as on the
    Suche page: each value as the facets list it."""
    chosen = {
        "doc_type": typ,
        "department": abteilung,
        "sender": absender,
        "holding": bestand,
        "place": ort,
    }
    return {field: value for field, value in chosen.items() if value is not None}
