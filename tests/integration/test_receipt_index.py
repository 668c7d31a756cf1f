"""The year of receipt as a facet and the day of receipt as a filter in both engines: the
same documents, the same answers, on a real Elasticsearch and tantivy; and an index of
the schema before them is refused until ``eakte reindex`` (``rebuild``) replaces it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from eakte.errors import ConfigurationError
from eakte.ports import IndexDocument, Period, SearchIndex, Visibility
from search.elasticsearch_schema import SCHEMA_VERSION
from search.tantivy_index import TantivyIndex
from tests.integration.server_fixtures import elasticsearch_server, real_servers
from tests.integration.test_elasticsearch_index import Opener, admin, open_index

__all__ = ["admin", "elasticsearch_server", "open_index", "real_servers"]  # fixtures

pytestmark = pytest.mark.integration

YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
YEAR_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))


def letter(
    record_id: str, at: datetime, department: str = "sozialamt", restricted: bool = False
) -> IndexDocument:
    return IndexDocument(
        id=record_id, text="Antrag auf Wohngeld", title=f"{record_id}.pdf",
        media_type="application/pdf", department=department, restricted=restricted,
        received_at=at,
    )  # fmt: skip


DOCS = [
    letter("alt", datetime(2024, 3, 1, 9, 0, tzinfo=UTC)),
    letter("silvester", datetime(2024, 12, 31, 22, 59, tzinfo=UTC)),  # Berlin: 23:59
    letter("neujahr", datetime(2024, 12, 31, 23, 0, tzinfo=UTC)),  # Berlin: 1 January 2025
    letter("sommer", datetime(2025, 7, 15, 8, 0, tzinfo=UTC)),
    letter("bau", datetime(2025, 2, 1, 8, 0, tzinfo=UTC), department="bauamt"),
    letter("geheim", datetime(2025, 2, 1, 8, 0, tzinfo=UTC), restricted=True),
    # a photo of 1962, scanned in 2025: taken (media facet ``year``) ≠ received
    IndexDocument(
        id="foto",
        text="",
        title="wohngeld_1962.jpg",
        media_type="image/jpeg; kind=photo",
        keywords=("Wohngeld",),
        medium="Foto",
        year="1962",
        department="sozialamt",
        received_at=datetime(2025, 5, 5, 12, 0, tzinfo=UTC),
    ),
    IndexDocument(id="ohne", text="Antrag auf Wohngeld", title="", media_type="x"),
]


def _ids(index: SearchIndex, query: str = "Wohngeld", **kwargs: object) -> set[str]:
    result = index.search(query, limit=100, **kwargs)  # type: ignore[arg-type]
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


def _check(index: SearchIndex) -> None:
    everyone = {"alt", "silvester", "neujahr", "sommer", "bau", "geheim", "foto"}
    assert _ids(index) == everyone | {"ohne"}
    assert _ids(index, received=YEAR_2025) == {"neujahr", "sommer", "bau", "geheim", "foto"}
    assert _ids(index, received=YEAR_2024) == {"alt", "silvester"}
    # inclusive at both ends: the first and the last day of a range count
    assert _ids(index, received=Period(date(2024, 3, 1), date(2024, 12, 31))) == {
        "alt",
        "silvester",
    }
    assert _ids(index, received=Period(date(2024, 3, 2), date(2024, 12, 30))) == set()
    assert _ids(index, received=Period(date(2025, 7, 15), None)) == {"sommer"}
    assert _ids(index, "", received=Period(None, date(2024, 3, 1))) == {"alt"}
    assert _ids(index, "", filters={"received_year": "2024"}) == {"alt", "silvester"}
    facets = index.facets("Wohngeld")
    assert facets["received_year"] == {"2024": 2, "2025": 5}
    assert facets["year"] == {"1962": 1}  # the photo's own year stays its own facet
    assert _ids(index, "", filters={"year": "2025"}) == set()
    assert index.facets("Wohngeld", received=YEAR_2024)["received_year"] == {"2024": 2}

    clerk = Visibility(departments=("sozialamt",), restricted=False)  # not bau, not geheim
    assert index.search("Wohngeld", received=YEAR_2025, visible=clerk).total == 3
    assert _ids(index, "", filters={"received_year": "2025"}, visible=clerk) == {
        "neujahr",
        "sommer",
        "foto",
    }
    assert index.facets("Wohngeld", visible=clerk)["received_year"] == {"2024": 2, "2025": 3}
    other = Visibility(departments=("kaemmerei",), restricted=True)
    assert index.search("", received=YEAR_2025, visible=other).total == 0
    assert index.facets("", received=YEAR_2025, visible=other)["received_year"] == {}


def test_receipt_facet_and_filter_on_elasticsearch(open_index: Opener) -> None:
    index = open_index()
    index.upsert(DOCS)
    _check(index)


def test_receipt_facet_and_filter_on_tantivy(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.upsert(DOCS)
    _check(index)


def test_an_index_of_the_schema_before_is_refused_until_reindexed(
    open_index: Opener, admin: Elasticsearch
) -> None:
    """Schema 4 had no day or year of receipt: its facets would silently count nothing,
    so every call stops with the way out, and ``rebuild`` (``eakte reindex``) puts a
    current index under the alias and drops the old one."""
    index = open_index()
    old = f"{index._alias}-old"
    meta = {"eakte": {"schema": SCHEMA_VERSION - 1, "analysis": "client"}}
    admin.indices.create(index=old, aliases={index._alias: {}}, mappings={"_meta": meta})
    with pytest.raises(ConfigurationError, match="eakte reindex"):
        index.search("Wohngeld", received=YEAR_2025)
    assert index.rebuild(DOCS) == len(DOCS)
    (current,) = admin.indices.get_alias(name=index._alias)
    assert current != old and not admin.indices.exists(index=old)
    mapping = admin.indices.get_mapping(index=current)[current]["mappings"]
    assert mapping["_meta"]["eakte"]["schema"] == SCHEMA_VERSION
    _check(open_index())  # a fresh adapter, as the next CLI run
