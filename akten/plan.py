"""The Aktenplan: the positions Akten are opened under, configured in the same YAML file
as the document types (``EAKTE_DOCUMENT_TYPES_FILE``), so a type's routing names a
position that exists. Each position says who keeps its Akten, how long they are kept
after which trigger, and what the archive is offered (A archivwürdig, B bewerten,
V vernichten). Mistakes are reported in German when the file is loaded, all at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from akten.aktenzeichen import POSITION_PATTERN
from eakte.errors import ConfigurationError

Trigger = Literal["closed", "last_document"]
TRIGGERS: dict[str, str] = {
    "closed": "Schließung der Akte",
    "last_document": "letztes Dokument der Akte",
}
Appraisal = Literal["A", "B", "V"]
APPRAISALS: dict[str, str] = {"A": "archivwürdig", "B": "bewerten", "V": "vernichten"}
_KEYS = {"number", "title", "department", "retention_years", "trigger", "appraisal", "restricted"}
_REQUIRED = _KEYS - {"restricted"}
MAX_RETENTION_YEARS = 200


@dataclass(frozen=True)
class Position:
    """One Aktenplan position (Aktenplaneinheit)."""

    number: str
    title: str
    department: str
    retention_years: int
    trigger: Trigger
    appraisal: Appraisal
    restricted: bool = False

    def retention_end(self, trigger_date: date) -> date:
        """Retention runs to the end of the calendar year ``retention_years`` after the
        year of the trigger (the usual rule of German records management), so every
        Akte of a year becomes due on the same day."""
        return date(trigger_date.year + self.retention_years, 12, 31)


@dataclass(frozen=True)
class Aktenplan:
    positions: Mapping[str, Position]

    def get(self, number: str) -> Position:
        position = self.positions.get(number.strip())
        if position is None:
            raise ConfigurationError(
                f"Aktenplanposition {number!r} gibt es nicht; bekannt: {', '.join(self.positions)}"
            )
        return position


def parse_plan(raw: Any, departments: Sequence[str], source: str) -> Aktenplan:
    """The positions of ``raw`` (the YAML list), or one ``ConfigurationError`` naming every
    problem. ``departments`` empty: any department is accepted."""
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ConfigurationError(f"Aktenplan in {source}: erwartet eine Liste von Positionen")
    problems: list[str] = []
    positions: dict[str, Position] = {}
    for index, entry in enumerate(raw, start=1):
        position, found = _position(entry, departments)
        where = f"Position {index}" + (f" ({position.number})" if position else "")
        problems += [f"{where}: {problem}" for problem in found]
        if position is None:
            continue
        if position.number in positions:
            problems.append(f"{where}: Nummer {position.number} ist doppelt vergeben")
        positions[position.number] = position
    if problems:
        raise ConfigurationError(f"Aktenplan in {source} ungültig: " + "; ".join(problems))
    return Aktenplan(positions)


def _position(entry: Any, departments: Sequence[str]) -> tuple[Position | None, list[str]]:
    if not isinstance(entry, dict):
        return None, ["erwartet number, title, department, retention_years, trigger, appraisal"]
    problems = [f"unbekanntes Feld {key!r}" for key in sorted(set(entry) - _KEYS)]
    problems += [f"Feld {key!r} fehlt" for key in sorted(_REQUIRED - set(entry))]
    if problems:
        return None, problems
    number = str(entry["number"]).strip()
    if not POSITION_PATTERN.match(number):
        problems.append(
            f"Nummer {number!r} ungültig: erwartet Ziffern, durch Punkte gegliedert "
            "(z. B. 32.10.05)"
        )
    title, department = str(entry["title"]).strip(), str(entry["department"]).strip()
    if not title:
        problems.append("Titel fehlt")
    if departments and department not in departments:
        problems.append(f"unbekannte Abteilung {department!r} (nicht unter departments)")
    years = entry["retention_years"]
    if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= 200:
        problems.append(
            f"Aufbewahrungsfrist {years!r} ungültig: ganze Jahre von 0 bis {MAX_RETENTION_YEARS}"
        )
    trigger = str(entry["trigger"])
    if trigger not in TRIGGERS:
        problems.append(f"Fristbeginn {trigger!r} unbekannt; erlaubt: {', '.join(TRIGGERS)}")
    appraisal = str(entry["appraisal"]).upper()
    if appraisal not in APPRAISALS:
        problems.append(f"Bewertung {entry['appraisal']!r} unbekannt; erlaubt: A, B, V")
    restricted = entry.get("restricted", False)
    if not isinstance(restricted, bool):
        problems.append("restricted muss true oder false sein")
    position = Position(
        number=number,
        title=title,
        department=department,
        retention_years=years if isinstance(years, int) else 0,
        trigger=cast(Trigger, trigger),
        appraisal=cast(Appraisal, appraisal),
        restricted=bool(restricted),
    )
    return position, problems


def load_plan(path: Path | None) -> Aktenplan:
    """The Aktenplan of the document types file (the shipped one when ``path`` is None);
    loading the types validates it, so a broken plan stops every command the same way."""
    from classify.types import load_types

    return load_types(path).plan
