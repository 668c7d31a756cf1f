"""Both embedded engines must behave the same behind ``SearchIndex``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bench.index.sqlite_index import SqliteFtsIndex
from eakte.errors import ConfigurationError
from eakte.ports import IndexDocument, Period, SearchIndex, Visibility
from search import german
from search.tantivy_index import TantivyIndex, build_analyzer
from tests.fakes.index import FakeIndex
from tests.search_corpus import CORPUS, check_sender_facet_and_filter

Factory = Callable[[], SearchIndex]
ENGINES: dict[str, Callable[[Path], SearchIndex]] = {
    "tantivy": TantivyIndex,
    "sqlite": SqliteFtsIndex,
}


def doc(record_id: str, text: str, title: str = "", doc_type: str | None = None) -> IndexDocument:
    return IndexDocument(
        id=record_id, text=text, title=title, media_type="application/pdf", doc_type=doc_type
    )


@pytest.fixture(params=sorted(ENGINES))
def open_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Factory]:
    """Opens the engine on one directory, as often as a test wants (like CLI runs)."""
    engine = ENGINES[request.param]
    opened: list[SearchIndex] = []

    def factory() -> SearchIndex:
        index: SearchIndex = engine(tmp_path / "index")
        opened.append(index)
        return index

    yield factory
    for index in opened:
        index.close()


@pytest.fixture
def corpus_index(open_index: Factory) -> SearchIndex:
    index = open_index()
    index.upsert([doc(key, text) for key, text in CORPUS.items()])
    return index


def ids(index: SearchIndex, query: str) -> set[str]:
    return {hit.id for hit in index.search(query, limit=100).hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Straße", {"strasse", "strassen", "both"}),
        ("Strasse", {"strasse", "strassen", "both"}),
        ("STRASSEN", {"strasse", "strassen", "both"}),
        ("Gebühr", {"gebuehren", "decomposed", "both"}),
        ("Gebuehren", {"gebuehren", "decomposed", "both"}),
        ("Widerspruch", {"widersprueche"}),
        ("Müller", {"mueller"}),
        ("Straße Gebühren", {"both"}),
        ("Strauß", {"distractor"}),
        ("Straße Bürgermeister", set()),
    ],
)
def test_german_forms_match(corpus_index: SearchIndex, query: str, expected: set[str]) -> None:
    result = corpus_index.search(query, limit=100)
    assert {hit.id for hit in result.hits} == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"Straße', {"strasse", "strassen", "both"}),
        ("Straße:", {"strasse", "strassen", "both"}),
        ("(Straße) AND [Gebühr]", {"both"}),
        ("Straße OR NOT Gebühr", {"both"}),
        ("-Straße +Gebühr*", {"both"}),
        ("Stra*", set()),
        ("text_terms:Widersprüche", set()),
        ("{title_terms}: Widersprüche", set()),
        ("NEAR(Straße Gebühr, 2)", set()),
        ("Widerspruch^ ~ \\", {"widersprueche"}),
        ("Widerspruch^3", set()),
        ("'; DROP TABLE docs; --", set()),
        ("Gebühr\x00", {"gebuehren", "decomposed", "both"}),
        ("Straße " * 5000, {"strasse", "strassen", "both"}),
    ],
)
def test_hostile_queries_are_plain_words(
    corpus_index: SearchIndex, query: str, expected: set[str]
) -> None:
    assert ids(corpus_index, query) == expected
    assert corpus_index.count() == len(CORPUS)


@pytest.mark.parametrize("query", ["", "   ", '"', "***", ":-()", "AND", "OR NOT", "«»—…", "\x00"])
def test_empty_or_punctuation_query_matches_nothing(corpus_index: SearchIndex, query: str) -> None:
    result = corpus_index.search(query)
    assert result.total == 0
    assert result.hits == []


def test_upsert_replaces_by_id(open_index: Factory) -> None:
    index = open_index()
    index.upsert([doc("a", "Erster Entwurf zur Baugenehmigung")])
    index.upsert([doc("a", "Endgültiger Bescheid zur Baugenehmigung", doc_type="bescheid")])
    assert index.count() == 1
    assert ids(index, "Entwurf") == set()
    result = index.search("Baugenehmigung")
    assert result.total == 1
    assert result.hits[0].doc_type == "bescheid"


def test_same_id_twice_in_one_batch_keeps_the_last(open_index: Factory) -> None:
    index = open_index()
    index.upsert([doc("a", "Alte Fassung"), doc("b", "Andere Akte"), doc("a", "Neue Fassung")])
    assert index.count() == 2
    assert ids(index, "Fassung") == {"a"}
    assert ids(index, "alt") == set()


def test_delete_removes_only_the_given_ids(corpus_index: SearchIndex) -> None:
    corpus_index.delete(["strasse", "no-such-id"])
    assert corpus_index.count() == len(CORPUS) - 1
    assert ids(corpus_index, "Straße") == {"strassen", "both"}


def test_clear_then_reuse(corpus_index: SearchIndex) -> None:
    corpus_index.clear()
    assert corpus_index.count() == 0
    assert corpus_index.search("Straße").total == 0
    corpus_index.upsert([doc("n", "Neue Straße")])
    assert ids(corpus_index, "Strasse") == {"n"}


def test_persists_across_reopen(open_index: Factory) -> None:
    first = open_index()
    first.upsert([doc("a", "Widersprüche gegen Gebührenbescheide")])
    first.close()
    second = open_index()
    second.upsert([doc("b", "Ein weiterer Widerspruch")])
    second.close()
    third = open_index()
    assert third.count() == 2
    assert ids(third, "Widerspruch") == {"a", "b"}


def test_sees_writes_of_another_process(open_index: Factory, tmp_path: Path) -> None:
    reader = open_index()
    assert reader.count() == 0
    engine = type(reader)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from eakte.ports import IndexDocument
        from {engine.__module__} import {engine.__name__} as Engine
        index = Engine(Path({str(tmp_path / "index")!r}))
        index.upsert([IndexDocument(id="p", text="Grundsteuer", title="", media_type="x")])
        index.close()
        """
    )
    repo_root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script], check=True, cwd=repo_root)
    assert reader.count() == 1
    assert ids(reader, "Grundsteuer") == {"p"}


def test_total_counts_all_matches_not_only_returned(open_index: Factory) -> None:
    index = open_index()
    index.upsert([doc(f"d{i}", f"Bescheid Nummer {i} über Gebühren") for i in range(15)])
    index.upsert([doc("other", "Ein Schreiben ohne das Wort")])
    result = index.search("Gebühr", limit=5)
    assert result.total == 15
    assert len(result.hits) == 5
    no_hits = index.search("Gebühr", limit=0)
    assert (no_hits.total, no_hits.hits) == (15, [])


def test_hits_are_ranked_by_score(open_index: Factory) -> None:
    index = open_index()
    filler = "Die Verwaltung prüft den Vorgang sorgfältig und antwortet schriftlich. "
    index.upsert(
        [doc(f"weak{i}", filler * 3 + "Einmal Widerspruch.") for i in range(5)]
        + [doc("strong", "Widerspruch, Widerspruch und noch ein Widerspruch. " + filler)]
        + [doc(f"none{i}", filler) for i in range(5)]
    )
    hits = index.search("Widerspruch").hits
    assert hits[0].id == "strong"
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


def test_snippet_marks_the_match_in_the_original_text(open_index: Factory) -> None:
    index = open_index()
    text = "Einleitung ohne Bezug. " * 40 + "Die Gebühren für 2024 sind fällig." + " Schluss." * 40
    index.upsert([doc("long", text, title="brief.pdf")])
    snippet = index.search("gebuehr").hits[0].snippet
    assert "«Gebühren» für 2024" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) <= german.SNIPPET_CHARS + 40


def test_snippet_falls_back_to_the_title(open_index: Factory) -> None:
    index = open_index()
    index.upsert([doc("t", "Kein passendes Wort im Text.", title="Widerspruch_Mueller.pdf")])
    hit = index.search("Müller").hits[0]
    assert hit.snippet == "Widerspruch_«Mueller».pdf"


def test_exact_record_id_is_searchable(open_index: Factory) -> None:
    record_id = "3fa9be0c" * 8
    index = open_index()
    index.upsert([doc(record_id, "Irgendein Text"), doc("other", "Irgendein Text")])
    result = index.search(f"  {record_id} ")
    assert [hit.id for hit in result.hits] == [record_id]
    assert result.total == 1


def test_unreadable_sqlite_index_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "index.sqlite3").write_text("{kaputt", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="eakte reindex"):
        ENGINES["sqlite"](tmp_path)


def test_an_unreadable_tantivy_index_starts_afresh_and_says_so(tmp_path: Path) -> None:
    """It is only a view over the store: the wiring refills it (test_cli_contract)."""
    (tmp_path / "meta.json").write_text("{kaputt", encoding="utf-8")
    index = TantivyIndex(tmp_path)
    assert index.replaced_outdated
    index.upsert([doc("neu", "Ein Brief")])
    assert [hit.id for hit in index.search("Brief").hits] == ["neu"]
    assert not TantivyIndex(tmp_path).replaced_outdated


def test_python_analysis_agrees_with_tantivy() -> None:
    """The SQLite engine and the snippets rely on german.analyze matching tantivy."""
    text = (
        "Sehr geehrte Frau Müller-Lüdenscheidt, Ihre Widersprüche vom 3. März 2024 "
        "gegen die Gebührenbescheide (Az. 12-345/24) zur Straßenreinigung, Strasse "
        "Ärztehaus, Öffnungszeiten, GROSSE Zuständigkeiten; Aﬃdavit, naïve Café, Mueller, "
        "Øresund, Æbleskiver, Łódź."
    )
    assert german.analyze(text) == build_analyzer().analyze(text)


def test_tantivy_filters_by_signature_verdict(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path)
    index.upsert(
        [
            IndexDocument(id="a" * 64, text="Bescheid Abfall", title="a.pdf",
                          media_type="application/pdf", signature="TOTAL_PASSED"),
            IndexDocument(id="b" * 64, text="Bescheid Abfall", title="b.pdf",
                          media_type="application/pdf", signature="TOTAL_FAILED"),
            IndexDocument(id="c" * 64, text="Bescheid Wasser", title="c.pdf",
                          media_type="application/pdf", signature="TOTAL_PASSED"),
        ]
    )  # fmt: skip
    valid = index.search("Bescheid Abfall", filters={"signature": "TOTAL_PASSED"})
    assert [hit.id for hit in valid.hits] == ["a" * 64]
    all_valid = index.search("", filters={"signature": "TOTAL_PASSED"})
    assert {hit.id for hit in all_valid.hits} == {"a" * 64, "c" * 64}
    assert all_valid.total == 2
    with pytest.raises(ValueError):
        index.search("x", filters={"owner": "x"})


def _visible_corpus() -> list[IndexDocument]:
    def one(
        record_id: str, text: str, department: str | None, restricted: bool, year: int
    ) -> IndexDocument:
        return IndexDocument(
            id=record_id,
            text=text,
            title=f"{record_id}.pdf",
            media_type="application/pdf",
            doc_type="bescheid",
            signature="UNSIGNED",
            department=department,
            restricted=restricted,
            received_at=datetime(year, 6, 1, 9, 0, tzinfo=UTC),
        )

    return [
        one("bau1", "Baugenehmigung Gartenhaus Haushalt", "bauamt", False, 2024),
        one("bau2", "Baugenehmigung Personalakte Haushalt", "bauamt", True, 2025),
        one("kasse1", "Mahnung Haushalt Gartenhaus", "kaemmerei", False, 2025),
        one("ohne", "Haushalt ohne Zuordnung", None, False, 2024),
    ]


def test_tantivy_applies_visibility_to_hits_totals_facets_and_snippets(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.upsert(_visible_corpus())
    everyone = index.search("Haushalt", limit=10)
    assert everyone.total == 4
    clerk = Visibility(departments=("kaemmerei",), restricted=True)
    result = index.search("Haushalt", limit=10, visible=clerk)
    assert (result.total, [h.id for h in result.hits]) == (1, ["kasse1"])
    assert "Baugenehmigung" not in " ".join(h.snippet for h in result.hits)
    assert index.facets("Haushalt", visible=clerk) == {
        "doc_type": {"bescheid": 1},
        "signature": {"UNSIGNED": 1},
        "department": {"kaemmerei": 1},
        "sender": {},
        "holding": {},
        "place": {},
        "received_year": {"2025": 1},
    }
    assert index.search("Baugenehmigung", visible=clerk).total == 0
    assert index.search("bau1", visible=clerk).total == 0  # a pasted id is no way round
    assert index.search("", filters={"signature": "UNSIGNED"}, visible=clerk).total == 1

    archivist = Visibility(departments=None, restricted=False)
    assert {h.id for h in index.search("Haushalt", visible=archivist).hits} == {
        "bau1",
        "kasse1",
        "ohne",
    }
    assert index.facets("Haushalt", visible=archivist)["department"] == {
        "bauamt": 1,
        "kaemmerei": 1,
        "-": 1,
    }
    own = Visibility(departments=("bauamt",), restricted=True)
    assert {h.id for h in index.search("Baugenehmigung", visible=own).hits} == {"bau1", "bau2"}
    nobody = Visibility(departments=())
    assert index.search("Haushalt", visible=nobody).total == 0
    assert index.facets("Haushalt", visible=nobody)["doc_type"] == {}


def _received(record_id: str, at: datetime, text: str = "Antrag Wohngeld") -> IndexDocument:
    return IndexDocument(
        id=record_id, text=text, title=f"{record_id}.pdf", media_type="application/pdf",
        department="sozialamt", received_at=at,
    )  # fmt: skip


def test_the_day_and_year_of_receipt_are_the_offices() -> None:
    """Stored in UTC, counted on the office's calendar: half past midnight on New
    Year's Day in Berlin is still the old year in UTC."""
    new_year = _received("n", datetime(2024, 12, 31, 23, 30, tzinfo=UTC))
    assert (new_year.received_on, new_year.received_year) == (date(2025, 1, 1), "2025")
    naive = _received("u", datetime(2024, 7, 1, 21, 59))  # taken as UTC
    assert naive.received_on == date(2024, 7, 1)
    assert _received("x", datetime(2024, 7, 1, 22, 0)).received_on == date(2024, 7, 2)
    assert IndexDocument(id="-", text="", title="", media_type="x").received_year is None
    assert Period(date(2025, 1, 1), date(2025, 1, 1)).covers(date(2025, 1, 1))
    assert not Period(date(2025, 1, 1), None).covers(date(2024, 12, 31))
    assert not Period().covers(None)


@pytest.mark.parametrize("engine", ["tantivy", "fake"])
def test_filters_by_day_of_receipt_inclusive_at_both_ends(tmp_path: Path, engine: str) -> None:
    """Tantivy, and the fake the stage tests use, which must answer alike."""
    index: SearchIndex = TantivyIndex(tmp_path) if engine == "tantivy" else FakeIndex()
    index.upsert(
        [
            _received("silvester", datetime(2024, 12, 31, 10, 0, tzinfo=UTC)),
            _received("neujahr", datetime(2024, 12, 31, 23, 30, tzinfo=UTC)),  # Berlin: 2025
            _received("sommer", datetime(2025, 7, 15, 8, 0, tzinfo=UTC)),
            _received("ende", datetime(2025, 12, 31, 22, 59, tzinfo=UTC)),  # Berlin: 23:59
            IndexDocument(id="ohne", text="Antrag Wohngeld", title="", media_type="x"),
        ]
    )

    def found(query: str = "Wohngeld", **kwargs: object) -> set[str]:
        result = index.search(query, limit=100, **kwargs)  # type: ignore[arg-type]
        assert result.total == len(result.hits)
        return {hit.id for hit in result.hits}

    year_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))
    assert found(received=year_2025) == {"neujahr", "sommer", "ende"}
    assert found(received=Period(date(2024, 1, 1), date(2024, 12, 31))) == {"silvester"}
    assert found(received=Period(date(2024, 12, 31), date(2024, 12, 31))) == {"silvester"}
    assert found(received=Period(date(2025, 7, 15), date(2025, 7, 15))) == {"sommer"}
    assert found(received=Period(date(2025, 7, 16), date(2025, 12, 30))) == set()
    assert found(received=Period(None, date(2025, 1, 1))) == {"silvester", "neujahr"}
    assert found(received=Period(date(2025, 12, 31), None)) == {"ende"}
    assert found("", received=year_2025) == {"neujahr", "sommer", "ende"}  # no words needed
    assert found("", filters={"received_year": "2024"}) == {"silvester"}
    assert found(received=year_2025, filters={"received_year": "2024"}) == set()
    assert index.facets("Wohngeld")["received_year"] == {"2024": 1, "2025": 3}
    first_half = index.facets("Wohngeld", received=Period(None, date(2025, 6, 30)))
    assert first_half["received_year"] == {"2024": 1, "2025": 1}
    assert index.facets("", received=Period(date(2030, 1, 1), None))["received_year"] == {}


def test_tantivy_hides_what_the_caller_may_not_see_in_year_and_receipt(
    tmp_path: Path,
) -> None:
    index = TantivyIndex(tmp_path)
    index.upsert(_visible_corpus())
    year_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))
    archivist = Visibility(departments=None, restricted=False)  # not bau2 (restricted)
    assert index.search("Haushalt", received=year_2025).total == 2
    assert index.search("Haushalt", received=year_2025, visible=archivist).total == 1
    assert index.facets("Haushalt", visible=archivist)["received_year"] == {"2024": 2, "2025": 1}
    bau = Visibility(departments=("bauamt",), restricted=False)
    assert index.search("", filters={"received_year": "2025"}, visible=bau).total == 0
    assert index.facets("", received=year_2025, visible=bau)["received_year"] == {}


def test_historical_print_is_found_by_todays_spelling(open_index: Factory) -> None:
    """A Fraktur page read by the Fraktur model keeps the long s (ſ): "Strasse" and
    "Straße" find "Straſſe", and the snippet shows the word as printed."""
    index = open_index()
    index.upsert([doc("fraktur", "Die Straſſe nach der Reſidenz-Stadt"), doc("x", "Markt")])
    for query in ("Strasse", "Straße", "Residenz"):
        assert ids(index, query) == {"fraktur"}, query
    assert "«Straſſe»" in index.search("Strasse").hits[0].snippet


HISTORICAL_PAGE = (
    "Vor der Hausthuͤr des Rathhauſes hielt der Rath ſeine Verſammlung; "
    "das Urtheil uͤber den Schaﬀner ward zum Theil vollzogen, der Wirthſchaft zu Nutz."
)


@pytest.mark.parametrize(
    "query",
    [
        *("Haustür", "Hausthür", "Rathaus", "Rat", "Urteil", "über", "Schaffner"),
        *("Teil", "Theil", "Wirtschaft", "Versammlung"),
    ],
)
def test_historical_spellings_are_found_by_todays(open_index: Factory, query: str) -> None:
    """Old umlaut (uͤ), long s, ligatures and spellings before 1901 ("Thür", "Theil",
    "Rath") are found by today's words, and the old words still find themselves."""
    index = open_index()
    index.upsert(
        [doc("old", HISTORICAL_PAGE), doc("today", "Die Tür des Theaters"), doc("x", "Markt")]
    )
    assert ids(index, query) == {"old"}


def test_modern_words_keep_their_th(open_index: Factory) -> None:
    """The spelling rules name their words: "Theater" and "Thema" are not touched, and
    "Fuß"/"Fuss" still find each other."""
    index = open_index()
    index.upsert(
        [doc("theater", "Das Thema des Theaters"), doc("fuss", "Zu Fuß"), doc("tor", "Tor")]
    )
    assert ids(index, "Theater") == {"theater"}
    assert ids(index, "Teater") == set()
    assert ids(index, "Thema") == {"theater"}
    assert ids(index, "Fuss") == {"fuss"}
    assert ids(index, "Tür") == set()


def test_german_terms_of_historical_print() -> None:
    """The Python analysis (snippets, the SQLite peer, Elasticsearch's client mode)."""
    assert german.analyze("Straſſe") == german.analyze("Strasse") == german.analyze("Straße")
    assert german.analyze("uͤber") == german.analyze("über")
    assert german.analyze("Thür Theil Thiere Thurm") == german.analyze("Tür Teil Tiere Turm")
    assert german.analyze("Rath Noth Muth Werth") == german.analyze("Rat Not Mut Wert")
    assert german.analyze("Theater Thema Thron") == ["theat", "thema", "thron"]
    assert german.analyze("Schiﬀ ﬁnden ﬂach Laﬆ") == german.analyze("Schiff finden flach Last")
    assert german.analyze("Cæſar Œuvre") == german.analyze("Caesar Oeuvre")


def test_elasticsearch_gets_the_same_historical_rules() -> None:
    """The server's character filters are made from the tables ``search.german`` uses:
    run as the server would (``$1`` for the group), they spell as ``modern_spelling``."""
    import re

    from search.elasticsearch_schema import historical_char_filters

    filters = historical_char_filters()
    glyphs = filters.pop("historical_glyphs")["mappings"]
    assert {"ſ => s", "ﬀ => ff", "u\u0364 => ü"} <= set(glyphs)
    text = "Hausthür Urtheil Rath Rathhaus Wirthschaft Theater Thema Thron"
    spelled = text
    for spelling in filters.values():
        replacement = spelling["replacement"].replace("$1", r"\1")
        spelled = re.sub(spelling["pattern"], replacement, spelled, flags=re.IGNORECASE)
    assert spelled == german.modern_spelling(text)
    assert spelled == "Haustür Urteil Rat Rathaus Wirtschaft Theater Thema Thron"


@pytest.mark.parametrize("engine", ["tantivy", "fake"])
def test_the_sender_is_an_exact_facet_and_filter_within_visibility(
    engine: str, tmp_path: Path
) -> None:
    check_sender_facet_and_filter(TantivyIndex(tmp_path) if engine == "tantivy" else FakeIndex())
