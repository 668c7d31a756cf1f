"""Automatic filing of incoming post (the ``eakte.ports.Filing`` adapter).

A letter is filed when the Aktenzeichen it cites, in whatever spelling, is the number
of exactly one Akte, and that Akte is open. Anything else (no Aktenzeichen, an unknown
one, a closed Akte, two different Akten) leaves the Dokument for a person, with the
reason and the Aktenplan position its type proposes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from akten import aktenzeichen as az
from akten.model import Akte
from akten.plan import load_plan
from akten.registry import AktenRegister
from eakte.errors import EakteError
from eakte.ports import FilingDecision

ACTOR = "eakte (automatisch)"


class AutoFiling:
    """Opens the accounts database on first use: a run without post pays nothing."""

    def __init__(self, database_url: str, types_file: Path | None) -> None:
        self._url = database_url
        self._types_file = types_file
        self._register: AktenRegister | None = None

    @property
    def register(self) -> AktenRegister:
        if self._register is None:
            from accounts.db import open_database

            self._register = AktenRegister(open_database(self._url), load_plan(self._types_file))
        return self._register

    def file_incoming(
        self,
        record_id: str,
        received_on: date,
        cited: Sequence[str],
        text: str,
        proposed_position: str | None,
    ) -> FilingDecision:
        """A database that cannot be reached costs the filing, not the Dokument: it is
        stored and waits in review with the reason, like a letter citing nothing."""
        try:
            return self._decide(record_id, received_on, cited, text, proposed_position)
        except (SQLAlchemyError, EakteError) as exc:
            reason = exc.message if isinstance(exc, EakteError) else _first_line(exc)
            return FilingDecision(None, f"Ablage nicht möglich: {reason}", proposed_position)

    def _decide(
        self,
        record_id: str,
        received_on: date,
        cited: Sequence[str],
        text: str,
        proposed_position: str | None,
    ) -> FilingDecision:
        candidates = cited_aktenzeichen(cited, text)
        if not candidates:
            return FilingDecision(None, "kein Aktenzeichen erkannt", proposed_position)
        found: dict[str, Akte] = {}
        for candidate in candidates:
            akte = self.register.find(candidate)
            if akte is not None:
                found.setdefault(akte.aktenzeichen, akte)
        if not found:
            unknown = ", ".join(candidates)
            proposal = proposed_position or self._cited_position(candidates)
            return FilingDecision(None, f"Aktenzeichen {unknown} unbekannt", proposal)
        if len(found) > 1:
            several = ", ".join(found)
            return FilingDecision(None, f"mehrere Akten genannt: {several}", proposed_position)
        (akte,) = found.values()
        if akte.status != "open":
            reason = f"Akte {akte.aktenzeichen} ist geschlossen"
            return FilingDecision(None, reason, proposed_position or akte.position)
        reason = f"Aktenzeichen {akte.aktenzeichen} im Schreiben genannt"
        self.register.file(
            record_id,
            akte.aktenzeichen,
            received_on=received_on,
            actor=ACTOR,
            how="auto",
            reason=reason,
        )
        return FilingDecision(akte.aktenzeichen, reason, restricted=akte.restricted)

    def _cited_position(self, candidates: Sequence[str]) -> str | None:
        """Without a type, the Aktenplan position an unknown Aktenzeichen names, if any."""
        for candidate in candidates:
            number = az.parse(candidate)
            if number and number.position in self.register.plan.positions:
                return number.position
        return None


def cited_aktenzeichen(cited: Sequence[str], text: str) -> list[str]:
    """Canonical Aktenzeichen from the extracted references first, then any in the text."""
    found: list[str] = []
    for value in [*cited, text]:
        for number in az.find_all(value):
            if str(number) not in found:
                found.append(str(number))
    return found


def _first_line(error: Exception) -> str:
    return str(getattr(error, "orig", None) or error).splitlines()[0]
