"""The Suche page's links carry the whole search (words, facets, range of receipt), its
year facet lists the newest year first, and its date fields explain what is wrong."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest

from eakte.ports import Period
from eakte.retrieval import ReversedRange, received_period
from web.search_filters import Receipt
from web.ui.search_page import REVERSED, Criteria, _ordered, _received


def _params(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert parts.path == "/suche"
    return dict(parse_qsl(parts.query))


def test_links_keep_the_range_through_facets_and_pages() -> None:
    criteria = Criteria("Wohngeld", {"doc_type": "antrag"}, Period(date(2025, 1, 1), None))
    assert _params(criteria.url(3)) == {
        "q": "Wohngeld",
        "typ": "antrag",
        "eingang_von": "2025-01-01",
        "seite": "3",
    }
    chosen = criteria.toggled("received_year", "2025")
    assert _params(chosen.url()) == {
        "q": "Wohngeld",
        "typ": "antrag",
        "jahr": "2025",
        "eingang_von": "2025-01-01",
    }
    assert chosen.toggled("received_year", "2025") == criteria  # chosen again: dropped
    until = Criteria(received=Period(None, date(2024, 12, 31)))
    assert _params(until.url()) == {"eingang_bis": "2024-12-31"}


def test_years_are_listed_newest_first_other_facets_most_frequent_first() -> None:
    years = {"2023": 40, "2025": 2, "2024": 7}
    assert [year for year, _ in _ordered("received_year", years)] == ["2025", "2024", "2023"]
    assert [kind for kind, _ in _ordered("doc_type", {"a": 1, "b": 5})] == ["b", "a"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("", "", (None, None)),
        ("2025-01-01", "", (None, Period(date(2025, 1, 1), None))),
        ("", "2025-01-01", (None, Period(None, date(2025, 1, 1)))),
        ("2025-03-01", "2025-03-01", (None, Period(date(2025, 3, 1), date(2025, 3, 1)))),
        ("01.03.2025", "", ("„Eingang von“ ist kein gültiges Datum.", None)),
        ("", "2025-02-30", ("„Eingang bis“ ist kein gültiges Datum.", None)),
        ("2025-03-02", "2025-03-01", (REVERSED, None)),
    ],
)
def test_the_date_fields(start: str, end: str, expected: tuple[str | None, Period | None]) -> None:
    assert _received(start, end) == expected


def test_the_apis_receipt_filters() -> None:
    assert received_period(None, None) is None
    with pytest.raises(ReversedRange):
        received_period(date(2025, 1, 2), date(2025, 1, 1))
    receipt = Receipt(2025, Period(date(2025, 1, 1), None))
    assert receipt.given and receipt.filters == {"received_year": "2025"}
    assert receipt.audit_details() == {"jahr": "2025", "eingang_von": "2025-01-01"}
    assert not Receipt().given and Receipt().filters == {} and Receipt().audit_details() == {}
