"""What the registry answers: plain frozen values, so callers never hold a session."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from eakte.errors import EakteError

STATUS_WORDS = {"open": "offen", "closed": "geschlossen"}
EVENT_WORDS = {  # the register's event actions, as the UI names them
    "opened": "angelegt",
    "vorgang_opened": "Vorgang angelegt",
    "closed": "geschlossen (zdA)",
    "legal_hold_on": "gesperrt (Rechtsstreit)",
    "legal_hold_off": "Sperre aufgehoben",
    "offered": "dem Archiv angeboten",
    "offer_received": "Anbietung eingegangen",
    "appraised": "vom Archiv bewertet",
    "transferred": "an das Archiv abgegeben",
    "akte_deleted": "Dokumente gelöscht",
    "evidence_created": "Beweisdatensatz (RFC 4998) erstellt",
    "evidence_missing": "kein Beweisdatensatz",  # its message says why
}


class AkteNotFound(EakteError):
    """No Akte under that Aktenzeichen."""


class InvalidAktenzeichen(EakteError):
    """Not an Aktenzeichen at all: a usage error."""

    exit_code = 2


class FilingRefused(EakteError):
    """The Dokument cannot go into that Akte (closed, transferred, unknown Vorgang)."""


@dataclass(frozen=True)
class Akte:
    aktenzeichen: str
    uuid: str
    position: str
    title: str
    department: str
    status: str
    opened_on: date
    closed_on: date | None
    retention_until: date | None
    appraisal: str
    restricted: bool
    archive_decision: str | None
    process_id: str | None
    transferred_on: date | None

    def to_json(self) -> dict[str, Any]:
        return {key: _plain(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class Vorgang:
    number: int
    uuid: str
    title: str
    opened_on: date


@dataclass(frozen=True)
class Filing:
    """One filing event: a Dokument put into an Akte (perhaps a Vorgang of it)."""

    seq: int
    at: str
    record_id: str
    aktenzeichen: str
    vorgang: int | None
    received_on: date
    actor: str
    how: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {key: _plain(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class FiledDocument:
    """A Dokument currently in an Akte, with its retention end once the Akte is closed."""

    record_id: str
    vorgang: int | None
    received_on: date
    filed_at: str
    retain_until: date | None

    def to_json(self) -> dict[str, Any]:
        return {key: _plain(value) for key, value in asdict(self).items()}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
