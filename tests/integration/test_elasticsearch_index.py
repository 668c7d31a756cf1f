"""``ElasticsearchIndex`` against a real Elasticsearch 8 server (``elasticsearch_server``).

The test server (integ-test-zip) has no analysis-common module, so ``auto`` picks the
``client`` analysis there (German analysis in Python): the German expectations are the
embedded engine's. ``standard`` runs the server's own analysis and highlighter.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from eakte.errors import ConfigurationError, ToolFailed, Transient
from eakte.ports import FACETS, IndexDocument, Visibility
from search import german
from search.elasticsearch_index import ElasticsearchIndex
from tests.integration.server_fixtures import RunningServer, elasticsearch_server, real_servers
from tests.search_corpus import CORPUS, check_sender_facet_and_filter

__all__ = ["elasticsearch_server", "real_servers"]  # fixtures, used by name

pytestmark = pytest.mark.integration

Opener = Callable[..., ElasticsearchIndex]
HANG_GUARD_SECONDS = 300.0  # not a performance limit: only stops a hung test


def doc(record_id: str, text: str, title: str = "", **fields: Any) -> IndexDocument:
    return IndexDocument(
        id=record_id, text=text, title=title, media_type="application/pdf", **fields
    )


def ids(index: ElasticsearchIndex, query: str, **kwargs: Any) -> set[str]:
    return {hit.id for hit in index.search(query, limit=100, **kwargs).hits}


def drop(admin: Elasticsearch, alias: str) -> None:
    """Delete by name: wildcard deletes are refused (``destructive_requires_name``)."""
    for name in admin.indices.get(index=f"{alias}-*"):
        admin.indices.delete(index=name)
    admin.options(ignore_status=404).indices.delete_index_template(name=alias)


@pytest.fixture(scope="module")
def admin(elasticsearch_server: RunningServer) -> Iterator[Elasticsearch]:
    client = Elasticsearch(elasticsearch_server.url)
    yield client
    client.close()


@pytest.fixture
def open_index(elasticsearch_server: RunningServer, admin: Elasticsearch) -> Iterator[Opener]:
    """Opens adapters on one fresh alias, as often as a test wants (like CLI runs)."""
    alias = f"t{uuid.uuid4().hex[:12]}"
    opened: list[ElasticsearchIndex] = []

    def opener(**kwargs: Any) -> ElasticsearchIndex:
        index = ElasticsearchIndex(elasticsearch_server.url, alias=alias, **kwargs)
        opened.append(index)
        return index

    yield opener
    for index in opened:
        index.close()
    drop(admin, alias)


@pytest.fixture(scope="module")
def corpus_index(
    elasticsearch_server: RunningServer, admin: Elasticsearch
) -> Iterator[ElasticsearchIndex]:
    alias = f"t{uuid.uuid4().hex[:12]}"
    index = ElasticsearchIndex(elasticsearch_server.url, alias=alias)
    index.upsert([doc(key, text) for key, text in CORPUS.items()])
    yield index
    index.close()
    drop(admin, alias)


@pytest.fixture(scope="module")
def server_has_german(admin: Elasticsearch) -> bool:
    try:
        admin.indices.analyze(tokenizer="standard", filter=["snowball"], text="Straßen")
    except BadRequestError:
        return False
    return True


def test_auto_prefers_the_servers_german_analysis(
    corpus_index: ElasticsearchIndex, server_has_german: bool
) -> None:
    assert corpus_index.analysis == ("german" if server_has_german else "client")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Straße", {"strasse", "strassen", "both"}),
        ("Strasse", {"strasse", "strassen", "both"}),
        ("Straßen", {"strasse", "strassen", "both"}),
        ("Gebühr", {"gebuehren", "decomposed", "both"}),
        ("Gebühren", {"gebuehren", "decomposed", "both"}),
        ("Widerspruch", {"widersprueche"}),
        ("Müller", {"mueller"}),
        ("Straße Gebühren", {"both"}),
        ("Strauß", {"distractor"}),
        ("Straße Bürgermeister", set()),
    ],
)
def test_german_forms_match(
    corpus_index: ElasticsearchIndex, query: str, expected: set[str]
) -> None:
    result = corpus_index.search(query, limit=100)
    assert {hit.id for hit in result.hits} == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"Straße', {"strasse", "strassen", "both"}),
        ("(Straße) AND [Gebühr]", {"both"}),
        ("Straße OR NOT Gebühr", {"both"}),
        ("-Straße +Gebühr*", {"both"}),
        ("Stra*", set()),
        ("text_terms:Widersprüche", set()),
        ('{"query": {"match_all": {}}}', set()),
        ("*:*", set()),
        ("Widerspruch^3", set()),
        ("Widerspruch^ ~ \\", {"widersprueche"}),
        ("Gebühr\x00", {"gebuehren", "decomposed", "both"}),
        ("Gebühr \ud800", {"gebuehren", "decomposed", "both"}),
        ("Straße " * 5000, {"strasse", "strassen", "both"}),
        ("x" * 100_000, set()),
    ],
)
def test_hostile_queries_are_plain_words(
    corpus_index: ElasticsearchIndex, query: str, expected: set[str]
) -> None:
    assert ids(corpus_index, query) == expected
    assert corpus_index.count() == len(CORPUS)


@pytest.mark.parametrize("query", ["", "   ", '"', "***", ":-()", "AND", "«»—…", "\x00"])
def test_empty_or_punctuation_query_matches_nothing(
    corpus_index: ElasticsearchIndex, query: str
) -> None:
    assert corpus_index.search(query).total == 0
    assert corpus_index.facets(query) == {name: {} for name in FACETS}


def test_upsert_replaces_by_id(open_index: Opener) -> None:
    index = open_index()
    index.upsert([doc("a", "Erster Entwurf zur Baugenehmigung")])
    index.upsert([doc("a", "Endgültiger Bescheid zur Baugenehmigung", doc_type="bescheid")])
    assert index.count() == 1
    assert ids(index, "Entwurf") == set()
    hit = index.search("Baugenehmigung").hits[0]
    assert (hit.id, hit.doc_type) == ("a", "bescheid")


def test_same_id_twice_in_one_batch_keeps_the_last(open_index: Opener) -> None:
    index = open_index()
    index.upsert([doc("a", "Alte Fassung"), doc("b", "Andere Akte"), doc("a", "Neue Fassung")])
    assert index.count() == 2
    assert ids(index, "Fassung") == {"a"}
    assert ids(index, "alt") == set()


def test_delete_clear_and_count(open_index: Opener) -> None:
    index = open_index()
    index.upsert([doc(key, text) for key, text in CORPUS.items()])
    index.delete(["strasse", "no-such-id"])
    assert index.count() == len(CORPUS) - 1
    assert ids(index, "Straße") == {"strassen", "both"}
    index.clear()
    assert index.count() == 0
    assert index.search("Straße").total == 0
    index.upsert([doc("n", "Neue Straße")])
    assert ids(index, "Strasse") == {"n"}


def test_another_adapter_sees_writes_and_keeps_the_analysis(open_index: Opener) -> None:
    first = open_index(analysis="standard")
    first.upsert([doc("a", "Widersprüche gegen Gebührenbescheide")])
    second = open_index()  # "auto" would pick "client" for a new index
    assert second.analysis == "standard"
    second.upsert([doc("b", "Noch mehr Widersprüche")])
    assert ids(first, "Widersprüche") == {"a", "b"}


def test_total_counts_all_matches_not_only_returned(open_index: Opener) -> None:
    index = open_index()
    index.upsert([doc(f"d{i}", f"Bescheid Nummer {i} über Gebühren") for i in range(15)])
    index.upsert([doc("other", "Ein Schreiben ohne das Wort")])
    result = index.search("Gebühr", limit=5)
    assert (result.total, len(result.hits)) == (15, 5)
    assert len(index.search("Gebühr", limit=1_000_000).hits) == 15
    no_hits = index.search("Gebühr", limit=0)
    assert (no_hits.total, no_hits.hits) == (15, [])
    scores = [hit.score for hit in index.search("Gebühr", limit=15).hits]
    assert scores == sorted(scores, reverse=True)


def test_totals_past_the_bound_say_more_than_the_bound(open_index: Opener) -> None:
    """Exact up to the bound; past it the bound and "more than", as tantivy says it;
    shards and replicas as set; the catch-up's ``absent`` names what is missing."""
    index = open_index(total_bound=5, shards=2, replicas=0)
    index.upsert([doc(f"d{i}", f"Bescheid Nummer {i} über Gebühren") for i in range(8)])
    index.upsert([doc(f"w{i}", f"Widerspruch {i}") for i in range(5)])
    many = index.search("Gebühr", limit=3)
    assert (many.total, many.more_than_total, len(many.hits)) == (5, True, 3)
    exact = index.search("Widerspruch")
    assert (exact.total, exact.more_than_total) == (5, False)
    assert index.absent(["d0", "gone", "w4"]) == ["gone"]
    settings = next(iter(index._client.indices.get_settings(index=index._alias).values()))
    assert settings["settings"]["index"]["number_of_shards"] == "2"
    assert settings["settings"]["index"]["number_of_replicas"] == "0"


def test_exact_record_id_is_searchable(open_index: Opener) -> None:
    record_id = "3fa9be0c" * 8
    index = open_index()
    index.upsert([doc(record_id, "Irgendein Text"), doc("other", "Irgendein Text")])
    assert [hit.id for hit in index.search(f"  {record_id} ").hits] == [record_id]


@pytest.mark.parametrize("analysis", ["client", "standard"])
def test_snippet_marks_the_match_in_plain_text(open_index: Opener, analysis: str) -> None:
    index = open_index(analysis=analysis)
    text = "Einleitung <b>&amp;</b> ohne Bezug. " * 40 + "Die Gebühren für 2024 sind fällig."
    index.upsert([doc("long", text + " Schluss." * 40, title="brief.pdf")])
    snippet = index.search("Gebühren").hits[0].snippet
    assert "«Gebühren» für 2024" in snippet
    assert len(snippet) <= german.SNIPPET_CHARS + 40
    assert "\n" not in snippet and "&lt;" not in snippet and "<em>" not in snippet


@pytest.mark.parametrize("analysis", ["client", "standard"])
def test_snippet_falls_back_to_title_then_to_the_start(open_index: Opener, analysis: str) -> None:
    index = open_index(analysis=analysis)
    index.upsert([doc("t", "Kein passendes Wort im Text.", title="Widerspruch von Mueller")])
    assert index.search("Mueller").hits[0].snippet == "Widerspruch von «Mueller»"
    assert index.search("t").hits[0].snippet.startswith("Kein passendes Wort")


def test_snippet_of_a_very_long_text(open_index: Opener) -> None:
    """Past the highlighter's default limit of 1,000,000 characters."""
    index = open_index(analysis="standard")
    index.upsert([doc("big", "Akte " * 400_000 + "Fundstelle am Ende")])
    hit = index.search("Akte").hits[0]
    assert hit.id == "big" and "«Akte»" in hit.snippet
    assert ids(index, "Fundstelle") == {"big"}


def test_standard_analysis_matches_only_exact_forms(open_index: Opener) -> None:
    """What the server can do by itself: lowercase words, no folding, no stemming."""
    index = open_index(analysis="standard")
    index.upsert([doc(key, text) for key, text in CORPUS.items()])
    assert ids(index, "straße") == {"both"}
    assert ids(index, "Strasse") == {"strasse"}
    assert ids(index, "Gebühr") == {"decomposed"}  # composed (NFC) by the adapter
    assert ids(index, "Gebühren") == {"gebuehren", "both"}


def test_german_analysis_is_refused_by_a_server_without_it(
    open_index: Opener, server_has_german: bool
) -> None:
    if server_has_german:
        pytest.skip("this server has analysis-common")
    # the server names the first part of the chain it lacks (a character filter for
    # historical print, or the Snowball stemmer)
    with pytest.raises(ToolFailed, match=r"Unknown (char_filter|filter) type"):
        open_index(analysis="german").count()


def signed_corpus() -> list[IndexDocument]:
    return [
        doc("a", "Bescheid Abfall", doc_type="bescheid", signature="TOTAL_PASSED"),
        doc("b", "Bescheid Abfall", doc_type="bescheid", signature="TOTAL_FAILED"),
        doc("c", "Bescheid Wasser", doc_type="antrag", signature="TOTAL_PASSED"),
        doc(
            "d",
            "Bescheid Abfall",
            department="Umweltamt",
            received_at=datetime(2025, 3, 4, 10, 0, tzinfo=UTC),
        ),
    ]


def test_filters_on_signature_and_other_fields(open_index: Opener) -> None:
    index = open_index()
    index.upsert(signed_corpus())
    assert ids(index, "Bescheid Abfall", filters={"signature": "TOTAL_PASSED"}) == {"a"}
    assert ids(index, "", filters={"signature": "TOTAL_PASSED"}) == {"a", "c"}
    assert index.search("", filters={"signature": "TOTAL_PASSED"}).total == 2
    assert ids(index, "Abfall", filters={"department": "Umweltamt"}) == {"d"}
    assert ids(index, "Abfall", filters={"signature": 'TOTAL_PASSED" OR *'}) == set()
    with pytest.raises(ValueError):
        index.search("x", filters={"owner": "x"})


def test_facets_count_the_matches(open_index: Opener) -> None:
    index = open_index()
    index.upsert(signed_corpus())
    assert index.facets("Bescheid") == {
        "doc_type": {"bescheid": 2, "antrag": 1},
        "signature": {"TOTAL_PASSED": 2, "TOTAL_FAILED": 1},
        "department": {"-": 3, "Umweltamt": 1},
        "sender": {},
        "holding": {},
        "place": {},
        "received_year": {"2025": 1},
    }
    assert index.facets("Abfall", {"doc_type": "bescheid"})["signature"] == {
        "TOTAL_PASSED": 1,
        "TOTAL_FAILED": 1,
    }


def test_visibility_filters_hits_totals_and_facets(open_index: Opener) -> None:
    index = open_index()
    index.upsert(
        [
            doc("bau", "Haushaltsplan Bauamt", doc_type="plan", department="bauamt"),
            doc("geheim", "Haushaltsplan intern", doc_type="plan", department="bauamt",
                restricted=True),
            doc("kasse", "Haushaltsplan Kasse", doc_type="liste", department="kaemmerei"),
            doc("ohne", "Haushaltsplan ohne Zuordnung", doc_type="plan"),
        ]
    )  # fmt: skip
    assert ids(index, "Haushaltsplan") == {"bau", "geheim", "kasse", "ohne"}
    clerk = Visibility(departments=("bauamt",), restricted=True)
    assert ids(index, "Haushaltsplan", visible=clerk) == {"bau", "geheim"}
    assert index.search("Haushaltsplan", visible=clerk).total == 2
    assert ids(index, "kasse", visible=clerk) == set()  # a pasted id is no way round
    archivist = Visibility(departments=None, restricted=False)
    assert ids(index, "Haushaltsplan", visible=archivist) == {"bau", "kasse", "ohne"}
    assert ids(index, "", filters={"doc_type": "plan"}, visible=archivist) == {"bau", "ohne"}
    assert index.facets("Haushaltsplan", visible=clerk) == {
        "doc_type": {"plan": 2},
        "signature": {},
        "department": {"bauamt": 2},
        "sender": {},
        "holding": {},
        "place": {},
        "received_year": {},
    }
    assert index.facets("Haushaltsplan", visible=archivist)["department"] == {
        "bauamt": 1,
        "kaemmerei": 1,
        "-": 1,
    }
    assert index.facets("Haushaltsplan")["doc_type"] == {"plan": 3, "liste": 1}
    nobody = Visibility(departments=())
    assert index.search("Haushaltsplan", visible=nobody).total == 0


def test_rebuild_switches_the_alias_and_search_works_throughout(
    open_index: Opener, admin: Elasticsearch
) -> None:
    index = open_index()
    index.upsert([doc("old", "Alte Straße")])
    (old_name,) = admin.indices.get_alias(name=index._alias)
    seen_during: list[set[str]] = []

    def documents() -> Iterator[IndexDocument]:
        for i in range(1200):  # more than one bulk chunk
            if i % 400 == 0:
                seen_during.append(ids(index, "Straße"))
            yield doc(f"new{i}", f"Neue Straße Nummer {i}")

    assert index.rebuild(documents()) == 1200
    assert seen_during == [{"old"}] * 3
    (new_name,) = admin.indices.get_alias(name=index._alias)
    assert new_name != old_name and not admin.indices.exists(index=old_name)
    assert index.search("Strasse").total == 1200 and index.count() == 1200
    assert ids(index, "Alte") == set()
    index.upsert([doc("later", "Spätere Straße")])
    assert index.search("Straße").total == 1201


def test_failed_rebuild_keeps_the_live_index(open_index: Opener, admin: Elasticsearch) -> None:
    index = open_index()
    index.upsert([doc("live", "Bleibt gefunden")])
    before = set(admin.indices.get(index=f"{index._alias}-*"))
    broken = doc("bad", "x", department={"kein": "Text"})
    with pytest.raises(ToolFailed, match="abgelehnt"):
        index.rebuild([doc("ok", "Neu"), broken])
    assert set(admin.indices.get(index=f"{index._alias}-*")) == before
    assert ids(index, "gefunden") == {"live"}


def test_index_without_our_schema_is_a_configuration_error(
    open_index: Opener, admin: Elasticsearch
) -> None:
    index = open_index()
    admin.indices.create(index=f"{index._alias}-foreign", aliases={index._alias: {}})
    with pytest.raises(ConfigurationError, match="eakte reindex"):
        index.count()


def test_hung_server_is_transient(elasticsearch_server: RunningServer, open_index: Opener) -> None:
    index = open_index(request_timeout=1.0)
    index.upsert([doc("a", "Grundsteuerbescheid")])
    with elasticsearch_server.frozen(), pytest.raises(Transient, match="antwortet nicht"):
        index.search("Grundsteuer")
    assert ids(index, "Grundsteuerbescheid") == {"a"}


def test_stopped_server_is_transient_then_recovers(
    elasticsearch_server: RunningServer, open_index: Opener
) -> None:
    index = open_index()
    index.upsert([doc("a", "Grundsteuerbescheid")])
    with elasticsearch_server.stopped():  # started again (and healthy) after the block
        for call in (lambda: index.search("Grundsteuer"), index.count, index.clear):
            with pytest.raises(Transient, match=f"{elasticsearch_server.port}.*nicht erreichbar"):
                call()
        with pytest.raises(Transient):
            index.upsert([doc("b", "Neu")])
        with pytest.raises(Transient):
            ElasticsearchIndex(elasticsearch_server.url, alias="unreachable").count()
    assert ids(index, "Grundsteuerbescheid") == {"a"}
    index.upsert([doc("b", "Grundsteuerbescheid neu")])
    assert index.count() == 2


def test_historical_print_is_found_by_todays_spelling(open_index: Opener) -> None:
    """The long s, old umlaut, ligatures and spellings before 1901 of a page read by
    the Fraktur model are found by today's words (the default analysis on this server;
    ``standard`` folds nothing, by design)."""
    index = open_index()
    old = "Die Straſſe zur Hausthuͤr des Rathhauſes; das Urtheil uͤber den Schaﬀner"
    index.upsert([doc("fraktur", old), doc("x", "Markt"), doc("fuss", "Zu Fuß")])
    for query in ("Strasse", "Straße", "Haustür", "Rathaus", "Urteil", "über", "Schaffner"):
        assert [hit.id for hit in index.search(query).hits] == ["fraktur"], query
    assert [hit.id for hit in index.search("Fuss").hits] == ["fuss"]


def test_archival_description_is_a_facet_and_a_period_filter(open_index: Opener) -> None:
    from datetime import date

    from eakte.ports import Period

    index = open_index()
    index.upsert(
        [
            doc("markt", "", "markt.jpg", keywords=("Marktplatz mit Straßenbahn",),
                holding="Fotos", place="Konstanz", date_from=date(1920, 1, 1),
                date_to=date(1930, 12, 31)),
            doc("alt", "Marktplatz", holding="Fotos", date_to=date(1899, 12, 31)),
            doc("ohne", "Marktplatz"),
        ]
    )  # fmt: skip
    assert ids(index, "Straßenbahn") == {"markt"}
    assert index.facets("Marktplatz")["holding"] == {"Fotos": 2}
    assert index.facets("Marktplatz")["place"] == {"Konstanz": 1}
    assert ids(index, "", filters={"holding": "Fotos"}) == {"markt", "alt"}
    assert ids(index, "Marktplatz", period=Period(date(1925, 1, 1), date(1925, 12, 31))) == {
        "markt"
    }
    assert ids(index, "", period=Period(None, date(1920, 6, 1))) == {"markt", "alt"}


def test_a_write_without_refresh_becomes_searchable_by_itself(
    open_index: Opener, admin: Elasticsearch
) -> None:
    """What the workers do: one bulk write, no forced refresh; the index's refresh
    interval makes the document searchable (polled, no time asserted)."""
    index = open_index()
    index.count()  # creates the alias and its index
    index.write([doc("w1", "Baugenehmigung für das Gartenhaus")])
    settings = admin.indices.get_settings(index=index._alias)
    assert [s["settings"]["index"]["refresh_interval"] for s in settings.values()] == ["1s"]
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while ids(index, "Gartenhaus") != {"w1"}:
        assert time.monotonic() < deadline, "never searchable"
        time.sleep(0.2)


def test_the_sender_is_an_exact_facet_and_filter_within_visibility(open_index: Opener) -> None:
    check_sender_facet_and_filter(open_index())
