"""Hit totals are exact up to a bound and say "mehr als N Treffer" past it (issue 20,
item 3), in tantivy as in Elasticsearch (tests/integration/test_elasticsearch_index.py)."""

from __future__ import annotations

from pathlib import Path

from eakte.ports import IndexDocument
from eakte.wording import hit_count
from search.tantivy_index import TantivyIndex


def _doc(record_id: str, text: str) -> IndexDocument:
    return IndexDocument(id=record_id, text=text, title="", media_type="application/pdf")


def test_tantivy_counts_exactly_up_to_the_bound(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index", total_bound=5)
    index.upsert([_doc(f"d{i}", f"Bescheid über Gebühren Nummer {i}") for i in range(8)])
    index.upsert([_doc(f"w{i}", f"Widerspruch {i}") for i in range(5)])
    many = index.search("Gebühr", limit=3)
    assert (many.total, many.more_than_total, len(many.hits)) == (5, True, 3)
    exact = index.search("Widerspruch")
    assert (exact.total, exact.more_than_total) == (5, False)
    assert index.absent(["d0", "fehlt", "w4"]) == ["fehlt"]


def test_the_words_people_read() -> None:
    assert hit_count(10_000, True) == "mehr als 10.000 Treffer"
    assert hit_count(12_345) == "12.345 Treffer"
    assert hit_count(1) == "1 Treffer"
