"""Aktenzeichen: one canonical spelling for a file number however a letter writes it.

An Aktenzeichen is the Aktenplan position, the year the Akte was opened and a running
number within position and year. Letters write it in many ways (``32.10.05-2026/0042``,
``32.10.05 – 2026/42``, ``Az 32.10.05/2026-0042``); all mean the same Akte. The
canonical form is ``<position>-<year>/<number>`` with the number without leading zeros
(``32.10.05-2026/42``): Akten are stored and looked up under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

POSITION = r"\d{1,4}(?:\.\d{1,4}){0,5}"
POSITION_PATTERN = re.compile(rf"{POSITION}\Z")
_DASHES = "-–—‒"  # hyphen, en dash, em dash, figure dash
_SEPARATOR = rf"[ \t]*[{_DASHES}/][ \t]*"
_AKTENZEICHEN = re.compile(
    rf"(?<![\d.])(?P<position>{POSITION}){_SEPARATOR}(?P<year>(?:19|20)\d\d)"
    rf"{_SEPARATOR}(?P<number>\d{{1,6}})(?![\d])"
)


@dataclass(frozen=True, order=True)
class Aktenzeichen:
    """A parsed Aktenzeichen; ``str()`` is the canonical form."""

    position: str
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.position}-{self.year}/{self.number}"


def parse(text: str) -> Aktenzeichen | None:
    """The Aktenzeichen ``text`` is (a label such as "Az." in front is allowed), or None."""
    cleaned = re.sub(r"^\s*(?:Az\.?|Aktenzeichen|Gz\.?)[:\s]*", "", text, flags=re.IGNORECASE)
    match = _AKTENZEICHEN.fullmatch(cleaned.strip())
    return _of(match) if match else None


def find_all(text: str) -> list[Aktenzeichen]:
    """Every Aktenzeichen written anywhere in ``text``, in text order, each once."""
    found: list[Aktenzeichen] = []
    for match in _AKTENZEICHEN.finditer(text):
        value = _of(match)
        if value not in found:
            found.append(value)
    return found


def canonical(text: str) -> str | None:
    """The canonical form of ``text`` when it is an Aktenzeichen."""
    value = parse(text)
    return str(value) if value else None


def _of(match: re.Match[str]) -> Aktenzeichen:
    return Aktenzeichen(match["position"], int(match["year"]), int(match["number"]))
