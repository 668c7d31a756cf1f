"""Media facets and filters (medium, camera, creator, year, subjects, tags) in both
engines: the same documents, the same answers, on a real Elasticsearch and tantivy."""

from __future__ import annotations

from pathlib import Path

import pytest

from eakte.ports import IndexDocument, SearchIndex
from search.tantivy_index import TantivyIndex
from tests.integration.server_fixtures import elasticsearch_server, real_servers
from tests.integration.test_elasticsearch_index import Opener, admin, open_index

__all__ = ["admin", "elasticsearch_server", "open_index", "real_servers"]  # fixtures

pytestmark = pytest.mark.integration

DOCS = [
    IndexDocument(  # keywords as eakte.indexing.index_terms makes them
        id="foto1", text="", title="markt.jpg", media_type="image/jpeg; kind=photo",
        keywords=("Marktplatz mit Straßenbahn", "Hans Müller", "Rathaus", "Straßenbahn"),
        medium="Foto",
        camera="Canon EOS 5D", creator="Hans Müller", year="1987",
        subjects=("Rathaus", "Straßenbahn"), tags=("Straße",),
    ),
    IndexDocument(
        id="foto2", text="", title="bruecke.jpg", media_type="image/jpeg; kind=photo",
        keywords=("Rheinbrücke", "Anna Schmidt", "Rathaus"), medium="Foto",
        creator="Anna Schmidt", year="1958",
        subjects=("Rathaus",),
    ),
    IndexDocument(id="brief", text="Antrag Rathaus Garage", title="brief.pdf",
                  media_type="application/pdf"),
]  # fmt: skip


def _check(index: SearchIndex) -> None:
    facets = index.facets("Rathaus")
    assert facets["medium"] == {"Foto": 2}
    assert facets["subjects"] == {"Rathaus": 2, "Straßenbahn": 1}
    assert facets["creator"] == {"Hans Müller": 1, "Anna Schmidt": 1}
    assert facets["year"] == {"1987": 1, "1958": 1}
    assert facets["tags"] == {"Straße": 1}
    search = index.search
    assert search("Straßenbahn").total == 1
    assert {h.id for h in search("", filters={"subjects": "Rathaus"}).hits} == {"foto1", "foto2"}
    assert {h.id for h in search("Rathaus", filters={"medium": "Foto"}).hits} == {"foto1", "foto2"}
    assert "medium" not in index.facets("Garage")


def test_tantivy_media_facets(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.upsert(DOCS)
    _check(index)


def test_elasticsearch_media_facets(open_index: Opener) -> None:
    index = open_index()
    index.upsert(DOCS)
    _check(index)
