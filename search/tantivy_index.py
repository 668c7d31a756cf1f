"""Embedded full-text index on tantivy (Rust, via tantivy-py).

German analysis runs inside tantivy (``simple`` tokenizer, lowercase, ascii_fold,
Snowball German), the same chain ``search.german`` runs in Python for the snippets;
historical spellings are modernised in Python before (``german.modern_spelling``).
The writer lock is taken only inside ``upsert``/``delete``/``clear`` and released
before they return, so CLI processes and workers can open the index one after another.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import tantivy

from eakte.errors import ToolFailed, Transient
from eakte.health import Probe, probe_errors
from eakte.ports import (
    FACETS,
    MEDIA_FACETS,
    IndexDocument,
    Period,
    SearchHit,
    SearchResult,
    Visibility,
)
from eakte.wording import documents
from search import german

TOKENIZER = "de_stem"
FACET_FIELDS = (*FACETS, *MEDIA_FACETS)
FILTER_FIELDS = frozenset(FACET_FIELDS)
# yyyymmdd integers: compact, ordered, readable; the dated span and the day of receipt
DATE_FIELDS = ("date_from", "date_to", "received_on")
OPEN_PAST, OPEN_FUTURE = 1_01_01, 9999_12_31  # an open end of a dated span
FACET_SIZE = 100
REBUILD_BATCH = 500  # documents handed to the writer per step of a rebuild
REBUILD_THREADS = max(1, min(os.cpu_count() or 1, 8))  # tantivy's indexing threads
TITLE_BOOST = 2.0
WRITER_HEAP_BYTES = 64_000_000
LOCK_ATTEMPTS = 50
LOCK_WAIT_SECONDS = 0.1


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in FACET_FIELDS:  # fast: the facets aggregate over them
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    builder.add_text_field("restricted", tokenizer_name="raw")
    for name in DATE_FIELDS:  # fast: range filters run over the column
        builder.add_integer_field(name, stored=False, indexed=True, fast=True)
    builder.add_text_field("title", stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field("text", stored=True, tokenizer_name=TOKENIZER)
    return builder.build()


def _searchable(text: str) -> str:
    """The text as tantivy indexes and keeps it: historical spellings as today's
    ("Thür" → "Tür"), because tantivy's analysis has no character filter to do it (the
    snippet shows them so); the long s and ligatures stay as printed, its ASCII
    folding reads them."""
    return german.modern_spelling(german.normalize(text))


def build_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("german"))
        .build()
    )


class TantivyIndex:
    """``SearchIndex`` on a tantivy directory; created on first use."""

    def __init__(self, directory: Path, *, total_bound: int = 10_000) -> None:
        """Totals are exact up to ``total_bound``; past it the result says "more than"
        the bound, as Elasticsearch's does."""
        self.directory = directory
        self._total_bound = total_bound
        directory.mkdir(parents=True, exist_ok=True)
        self._schema = build_schema()
        self.replaced_outdated = False
        try:
            self._index = tantivy.Index(self._schema, path=str(directory), reuse=True)
        except ValueError:
            # An index of an older schema (after an upgrade) or a damaged one: it is only
            # a view over the store, so it is started afresh and the wiring refills it,
            # instead of every command stopping until someone deletes it by hand.
            shutil.rmtree(directory)
            directory.mkdir(parents=True)
            self._index = tantivy.Index(self._schema, path=str(directory), reuse=True)
            self.replaced_outdated = True
        self._index.register_tokenizer(TOKENIZER, build_analyzer())
        self._analyzer = build_analyzer()

    def upsert(self, documents: Sequence[IndexDocument]) -> None:
        def write(writer: tantivy.IndexWriter) -> None:
            for doc in documents:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._to_tantivy(doc))

        if documents:
            self._write(write)

    def delete(self, ids: Sequence[str]) -> None:
        def write(writer: tantivy.IndexWriter) -> None:
            for record_id in ids:
                writer.delete_documents_by_term("id", record_id)

        if ids:
            self._write(write)

    def clear(self) -> None:
        self._write(lambda writer: writer.delete_all_documents())

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        """Clear and load under one writer with an indexing thread per core and one
        commit at the end: searches see the old index until then, never a partial one,
        and no commit waits for merges in between."""
        loaded = 0

        def write(writer: tantivy.IndexWriter) -> None:
            nonlocal loaded
            writer.delete_all_documents()
            iterator = iter(documents)
            while batch := list(itertools.islice(iterator, REBUILD_BATCH)):
                for doc in batch:
                    writer.add_document(self._to_tantivy(doc))
                loaded += len(batch)

        self._write(write, threads=REBUILD_THREADS)
        return loaded

    def count(self) -> int:
        self._index.reload()
        return int(self._index.searcher().num_docs)

    def absent(self, ids: Sequence[str]) -> list[str]:
        """One term lookup per id; counted, so deleted documents do not count."""
        self._index.reload()
        searcher = self._index.searcher()
        return [
            record_id
            for record_id in ids
            if not searcher.search(
                tantivy.Query.term_query(self._schema, "id", record_id), 1, count=True
            ).count  # type: ignore[attr-defined]  # missing from the stub
        ]

    @probe_errors("Suchindex")
    def health(self) -> list[Probe]:
        """Counts the documents and runs a query through the German analysis."""
        count = self.count()
        self.search("Bescheid", limit=1)
        return [Probe("Suchindex", True, f"Tantivy in {self.directory}, {documents(count)}")]

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        filters: Mapping[str, str] | None = None,
        visible: Visibility | None = None,
        period: Period | None = None,
        received: Period | None = None,
    ) -> SearchResult:
        query_obj = self._build_query(query, filters or {}, visible, period, received)
        if query_obj is None:
            return SearchResult(total=0)
        self._index.reload()  # sees commits of other processes at once (~20 µs)
        searcher = self._index.searcher()
        # TopDocs panics on limit 0, so always ask for at least one hit.
        result = searcher.search(query_obj, max(limit, 1), count=True)
        terms = set(german.query_terms(query))
        hits = []
        for score, address in result.hits[: max(limit, 0)]:
            stored = searcher.doc(address)
            snippet = german.make_snippet(_first(stored, "title"), _first(stored, "text"), terms)
            doc_type = stored.get_first("doc_type")
            hits.append(
                SearchHit(
                    id=_first(stored, "id"),
                    score=float(score),
                    doc_type=str(doc_type) if doc_type is not None else None,
                    snippet=snippet,
                )
            )
        total = int(result.count)  # type: ignore[attr-defined]  # missing from the stub
        bound = self._total_bound
        return SearchResult(total=min(total, bound), hits=hits, more_than_total=total > bound)

    def facets(
        self,
        query: str,
        filters: Mapping[str, str] | None = None,
        *,
        visible: Visibility | None = None,
        period: Period | None = None,
        received: Period | None = None,
    ) -> dict[str, dict[str, int]]:
        """Counts of the matches of ``search`` per field, aggregated by tantivy over the
        same query (visibility included), never counted from hits afterwards; media
        facets (``MEDIA_FACETS``) only where a match has a value."""
        query_obj = self._build_query(query, filters or {}, visible, period, received)
        if query_obj is None:
            return {name: {} for name in FACET_FIELDS if name not in MEDIA_FACETS}
        self._index.reload()
        aggs = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACET_FIELDS}
        result = self._index.searcher().aggregate(query_obj, aggs)
        counts = {
            name: {str(b["key"]): int(b["doc_count"]) for b in result[name]["buckets"]}
            for name in FACET_FIELDS
        }
        return {n: found for n, found in counts.items() if found or n not in MEDIA_FACETS}

    def close(self) -> None:
        """Nothing to release: no writer outlives a call, readers are dropped with us."""

    def _build_query(
        self,
        query: str,
        filters: Mapping[str, str],
        visible: Visibility | None,
        period: Period | None = None,
        received: Period | None = None,
    ) -> tantivy.Query | None:
        """All words must match in title or text; a pasted record id matches exactly;
        filters must match exactly; ``visible`` is a filter like the others, so what the
        caller may not see never reaches counts, facets or snippets.

        Queries are built from terms, never parsed, so typed syntax cannot fail.
        """
        unknown = set(filters) - FILTER_FIELDS
        if unknown:
            raise ValueError(f"unknown filter fields: {sorted(unknown)}")
        if visible is not None and visible.nothing:
            return None
        words = german.query_words(query)
        typed = german.modern_spelling(" ".join(words))
        terms = list(dict.fromkeys(self._analyzer.analyze(typed)))
        exact = [
            (tantivy.Occur.Must, tantivy.Query.term_query(self._schema, name, value))
            for name, value in filters.items()
        ]
        exact += self._period_clauses(period, "date_from", "date_to")
        exact += self._period_clauses(received, "received_on", "received_on")
        if not terms and not exact:
            return None
        exact += self._visibility_clauses(visible)
        if not terms:
            return tantivy.Query.boolean_query(exact)
        must = [(tantivy.Occur.Must, self._term_clause(term)) for term in terms]
        by_text = tantivy.Query.boolean_query(must)
        by_id = tantivy.Query.term_query(self._schema, "id", query.strip())
        matching = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, by_text), (tantivy.Occur.Should, by_id)]
        )
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, matching), *exact])

    def _visibility_clauses(
        self, visible: Visibility | None
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        if visible is None:
            return []
        clauses = []
        if not visible.restricted:
            restricted = tantivy.Query.term_query(self._schema, "restricted", "true")
            clauses.append((tantivy.Occur.MustNot, restricted))
        if visible.departments is not None:
            any_of = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "department", d))
                for d in visible.departments
            ]
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(any_of)))
        return clauses

    def _period_clauses(
        self, period: Period | None, start: str, end: str
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Overlap (``Period.overlaps``): the span from field ``start`` to field ``end``
        starts before the period ends and ends after it starts; a day of receipt is a
        span whose two ends are the same field."""
        if period is None:
            return []

        def within(field: str, lower: int | None, upper: int | None) -> tantivy.Query:
            return tantivy.Query.range_query(
                self._schema, field, tantivy.FieldType.Integer, lower, upper
            )

        clauses = [(tantivy.Occur.Must, within(start, OPEN_PAST, None))]  # has the date
        if period.end is not None:
            clauses.append((tantivy.Occur.Must, within(start, None, _ymd(period.end))))
        if period.start is not None:
            clauses.append((tantivy.Occur.Must, within(end, _ymd(period.start), None)))
        return clauses

    def _term_clause(self, term: str) -> tantivy.Query:
        title = tantivy.Query.term_query(self._schema, "title", term)
        text = tantivy.Query.term_query(self._schema, "text", term)
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.boost_query(title, TITLE_BOOST)),
                (tantivy.Occur.Should, text),
            ]
        )

    def _to_tantivy(self, doc: IndexDocument) -> tantivy.Document:
        fields: dict[str, Any] = {
            "id": doc.id,
            "title": _searchable(doc.title_and_keywords),
            "text": _searchable(doc.text),
            "department": doc.department_key,
            "restricted": "true" if doc.restricted else "false",
        }
        if doc.doc_type is not None:
            fields["doc_type"] = doc.doc_type
        if doc.signature is not None:
            fields["signature"] = doc.signature
        if doc.holding:
            fields["holding"] = doc.holding
        if doc.sender:
            fields["sender"] = doc.sender
        if doc.place:
            fields["place"] = doc.place
        if doc.dated:
            fields["date_from"] = _ymd(doc.date_from) if doc.date_from else OPEN_PAST
            fields["date_to"] = _ymd(doc.date_to) if doc.date_to else OPEN_FUTURE
        if doc.received_on is not None:
            fields["received_on"] = _ymd(doc.received_on)
            fields["received_year"] = doc.received_year
        fields |= doc.media_facets()  # multi-valued: one exact term per value
        return tantivy.Document(**fields)

    def _write(self, action: Callable[[tantivy.IndexWriter], None], threads: int = 1) -> None:
        """Run ``action`` under the writer lock, commit, wait for merges, release."""
        writer = self._acquire_writer(threads)
        try:
            action(writer)
            writer.commit()
        except ValueError as exc:
            writer.rollback()
            raise ToolFailed(f"Suchindex (tantivy) konnte nicht schreiben: {exc}") from exc
        finally:
            writer.wait_merging_threads()  # also drops the writer and its lock
        self._index.reload()

    def _acquire_writer(self, threads: int = 1) -> tantivy.IndexWriter:
        """Another process may be writing; wait a few seconds before giving up."""
        for _ in range(LOCK_ATTEMPTS):
            try:
                return self._index.writer(
                    heap_size=WRITER_HEAP_BYTES * threads, num_threads=threads
                )
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise ToolFailed(f"Suchindex (tantivy) nicht beschreibbar: {exc}") from exc
            time.sleep(LOCK_WAIT_SECONDS)
        raise Transient("Suchindex ist von einem anderen Prozess gesperrt; bitte erneut versuchen.")


def _ymd(day: date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _first(document: tantivy.Document, field: str) -> str:
    value = document.get_first(field)
    return "" if value is None else str(value)
