"""The fixed query set: what clerks type, in the shapes the product serves.

Every query runs as ``eakte search`` runs it: ``limit=10``, the exact total counted,
snippets with «marks» made for every hit. Categories are reported separately, since a
word in every second record costs more than a rare one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from eakte.ports import IndexDocument

LIMIT = 10


@dataclass(frozen=True)
class Query:
    category: str
    text: str
    filters: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        shown = " ".join(f"{k}={v}" for k, v in self.filters.items())
        return f"{self.text} [{shown}]" if shown else self.text


SINGLE_WORDS = (
    "Widerspruch",  # one kind's letters
    "Baugenehmigung",
    "Straße",  # common, in street names too
    "Gebühren",
    "Beschwerde",
    "Dachgaube",  # rare
    "Müllabfuhr",
    "Straßenbeleuchtung",
    "Stadtverwaltung",  # in almost every record
    "Sondernutzung",
    "Lärm",
    "Mueller",  # folded spelling of a surname
)
TWO_WORDS = (
    "Widerspruch Gebühren",
    "Bauantrag Flurstück",
    "Beschwerde Lärm",
    "Rechnung Überweisung",
    "Kita Elternbeitrag",
    "Gewerbeanmeldung Gaststätte",
    "Straße Schlagloch",
    "Fraktion Anfrage",
)
FILTERED = (
    ("Bescheid", {"signature": "TOTAL_PASSED"}),
    ("Widerspruch", {"signature": "TOTAL_FAILED"}),
    ("", {"signature": "INDETERMINATE"}),  # `eakte search --signatur …` without words
    ("Rechnung", {"doc_type": "rechnung"}),
    ("Gebühren", {"doc_type": "widerspruch"}),
    ("Baugenehmigung", {"doc_type": "bauantrag"}),
    ("Stadtverwaltung", {"doc_type": "gemeinderat"}),
    ("Straße Lärm", {"doc_type": "beschwerde"}),
)
NO_HIT = ("Photovoltaikpflicht", "Zweitwohnungsteuer Hundesteuer")


def make_queries(docs: Sequence[IndexDocument]) -> list[Query]:
    queries = [Query("single word", text) for text in SINGLE_WORDS]
    queries += [Query("two words", text) for text in TWO_WORDS]
    queries += [Query("filtered", text, filters) for text, filters in FILTERED]
    queries += [Query("no hit", text) for text in NO_HIT]
    # a pasted record id (the CLI and the web view accept one in the search box)
    queries += [Query("record id", docs[i].id) for i in (len(docs) // 3, len(docs) - 1)]
    return queries
