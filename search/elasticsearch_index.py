"""Search index on Elasticsearch 8 (distributed mode), same contract as ``TantivyIndex``.

Readers and writers use an alias (``eakte``) over a concrete index ``eakte-<timestamp>``,
so ``rebuild`` can load a fresh index beside the live one and switch the alias in one
atomic step. How text is analysed is chosen when an index is built and kept in its ``_meta``:

- ``german``: the server's analysis-common module runs the chain ``search.german``
  mirrors (character filters for historical print, standard tokenizer, lowercase,
  asciifolding, Snowball German) on ``title``/``text``; snippets come from the
  highlighter.
- ``client``: for servers without that module (the ``integ-test-zip`` distribution
  ships only core analysis), ``search.german`` analyses in Python, the server indexes
  the terms with its core ``whitespace`` analyzer, and snippets are made like the
  embedded engine's: matching equals the embedded engine's exactly.
- ``standard``: the server's core ``standard`` analyzer (no folding, no stemming: only
  exact word forms match); highlighter snippets. Only on explicit request.

``auto`` (the default) asks the server via ``_analyze``: ``german`` if it can, else
``client``.

Visibility: every document carries its ``department`` (``-`` for none) and whether it
is ``restricted``; ``search``/``facets`` with a ``Visibility`` add both as filters of the
query itself, so hits, totals, facets and snippets see the same subset. ``visible=None``
means an unrestricted caller (CLI, maintenance); the web layer always passes one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import elasticsearch
from elasticsearch import ApiError, ConnectionTimeout, Elasticsearch, helpers

from eakte.errors import ConfigurationError, ToolFailed, Transient
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
from search.elasticsearch_query import (
    SPACE,
    bool_query,
    highlight,
    highlighted,
    restrictions,
    snippet,
)
from search.elasticsearch_schema import (
    FILTER_FIELDS,
    FOLDING,
    SCHEMA_VERSION,
    SNOWBALL,
    Analysis,
    index_template,
)

FACET_FIELDS = (*FACETS, *MEDIA_FACETS)
OPEN_PAST, OPEN_FUTURE = "0001-01-01", "9999-12-31"  # an open end of a dated span
FACET_SIZE = 100
MAX_HITS = 10_000  # the server's default index.max_result_window
TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
HEALTH_TIMEOUT_SECONDS = 5.0  # `eakte doctor` answers quickly even when a node hangs
# Set explicitly rather than left to the default (also 1s, but skipped on an index
# nobody searched for 30 s): a write is searchable within a second whoever searches.
REFRESH_INTERVAL = "1s"
COLOURS = {"green": "grün", "yellow": "gelb", "red": "rot"}


class ElasticsearchIndex:
    """``SearchIndex`` on an Elasticsearch alias; the alias and index are made on first use."""

    def __init__(
        self,
        url: str,
        *,
        alias: str = "eakte",
        analysis: Analysis | Literal["auto"] = "auto",
        request_timeout: float = 30.0,
        client: Elasticsearch | None = None,
        shards: int = 1,
        replicas: int | None = None,
        total_bound: int = 10_000,
    ) -> None:
        """``shards``/``replicas`` apply to indexes made from now on (``eakte reindex``
        makes one); replicas None: ``0-1`` auto-expanded. Totals are exact up to
        ``total_bound``; past it the result says "more than" the bound."""
        parts = urlsplit(url)
        self._endpoint = f"{parts.scheme}://{parts.hostname}:{parts.port or 9200}"  # no secrets
        self._alias = alias
        self._wanted = analysis
        self._shards, self._replicas, self._total_bound = shards, replicas, total_bound
        self._analysis: Analysis | None = None  # that of the live index, once known
        self._client = client or Elasticsearch(
            url, request_timeout=request_timeout, retry_on_timeout=True, max_retries=2
        )

    @property
    def analysis(self) -> Analysis:
        """How the live index analyses German (for ``eakte doctor``)."""
        return self._live_analysis()

    def upsert(self, documents: Sequence[IndexDocument]) -> None:
        """Write and refresh: searchable on return (what the CLI and the API expect)."""
        self.write(documents)
        if documents:
            self.refresh()

    def write(self, documents: Sequence[IndexDocument]) -> None:
        """One bulk request, no forced refresh: the index's refresh interval
        (``REFRESH_INTERVAL``) makes the documents searchable. The workers write so;
        a refresh per document cost more than the write itself."""
        if documents:
            analysis = self._live_analysis()
            self._bulk(self._index_actions(documents, self._alias, analysis), self._alias)

    def refresh(self) -> None:
        self._live_analysis()
        with self._errors("Aktualisieren"):
            self._client.indices.refresh(index=self._alias)

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._live_analysis()
            self._bulk(({"_op_type": "delete", "_id": i} for i in ids), self._alias)
            self.refresh()

    def clear(self) -> None:
        """Switch to an empty index (``delete_by_query`` needs the optional reindex module)."""
        self._replace([], self._live_analysis())

    def count(self) -> int:
        self._live_analysis()
        with self._errors("Zählen"):
            return int(self._client.count(index=self._alias)["count"])

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
        """All words must match in title or text (or the query is a record id); filters,
        ``period``, ``received`` and ``visible`` (see the module docstring) restrict the
        matches."""
        client_side = self._live_analysis() == "client"
        response = self._search(
            "Suche",
            query,
            filters,
            visible,
            period,
            received,
            size=min(max(limit, 0), MAX_HITS),
            track_total_hits=self._total_bound + 1,  # one more: "more than the bound"
            source_includes=["doc_type", "title", "text"] if client_side else ["doc_type"],
            highlight=None if client_side else highlight(),
        )
        if response is None:
            return SearchResult(total=0)
        terms = set(german.query_terms(query))
        hits = [
            SearchHit(
                id=hit["_id"],
                score=float(hit["_score"] or 0.0),
                doc_type=hit["_source"].get("doc_type"),
                snippet=snippet(hit, terms) if client_side else highlighted(hit),
            )
            for hit in response["hits"]["hits"]
        ]
        counted = int(response["hits"]["total"]["value"])
        bound = self._total_bound
        return SearchResult(total=min(counted, bound), hits=hits, more_than_total=counted > bound)

    def facets(
        self,
        query: str,
        filters: Mapping[str, str] | None = None,
        *,
        visible: Visibility | None = None,
        period: Period | None = None,
        received: Period | None = None,
    ) -> dict[str, dict[str, int]]:
        """Counts of the matches of ``search`` per document type, signature verdict,
        department, Bestand, place and year of receipt, under the same filters; media
        facets (``MEDIA_FACETS``) only where a match has a value."""
        aggs = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACET_FIELDS}
        response = self._search(
            "Facettensuche", query, filters, visible, period, received, size=0, aggs=aggs
        )
        buckets = {n: response["aggregations"][n]["buckets"] if response else [] for n in aggs}
        return {
            n: {b["key"]: int(b["doc_count"]) for b in bs}
            for n, bs in buckets.items()
            if bs or n not in MEDIA_FACETS
        }

    def absent(self, ids: Sequence[str]) -> list[str]:
        """One ``ids`` query per call, returning ids only."""
        if not ids:
            return []
        self._live_analysis()
        with self._errors("Abgleich"):
            response = self._client.search(
                index=self._alias,
                query={"ids": {"values": list(ids)}},
                size=len(ids),
                source=False,
                track_total_hits=False,
            )
        present = {hit["_id"] for hit in response.body["hits"]["hits"]}
        return [record_id for record_id in ids if record_id not in present]

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        """Load ``documents`` into a new index, then point the alias at it and drop the
        old one: searches see the old index until the switch, never an empty one.

        Writes to the alias during a rebuild land in the old index and are lost with it,
        so ``eakte reindex`` should not run alongside ingest. Returns the documents loaded.
        """
        return self._replace(documents, self._choose_analysis())

    def close(self) -> None:
        self._client.close()

    @probe_errors("Suchindex")
    def health(self) -> list[Probe]:
        """Asks the cluster for its version and health colour, and the alias for its
        index, schema, analysis and document count; creates nothing (the first write
        does). Yellow (replicas not placed, as on a single node) is ready, red is not."""
        client = self._client.options(request_timeout=HEALTH_TIMEOUT_SECONDS, max_retries=0)
        with self._errors("Zustandsabfrage"):
            health = client.cluster.health()
            nodes = client.nodes.info(filter_path="nodes.*.version")["nodes"]
            try:
                indices = sorted(client.indices.get_alias(name=self._alias))
            except elasticsearch.NotFoundError:
                indices = []
            if indices:
                mappings = client.indices.get_mapping(index=self._alias)
                count = int(client.count(index=self._alias)["count"])
        version = "/".join(sorted({str(node["version"]) for node in nodes.values()}))
        colour = str(health["status"])
        cluster = f"Elasticsearch {version} auf {self._endpoint}, Cluster "
        cluster += f"{COLOURS.get(colour, colour)} ({health['number_of_nodes']} Knoten)"
        if colour not in ("green", "yellow"):
            fix = "Zustand mit GET _cluster/health und dem Protokoll des Servers prüfen"
            return [Probe("Suchindex", False, cluster, fix)]
        if not indices:
            absent = (
                f"{cluster}, Alias {self._alias} noch nicht angelegt (legt die erste Aufnahme an)"
            )
            return [Probe("Suchindex", True, absent)]
        meta = [m["mappings"].get("_meta", {}).get("eakte", {}) for m in mappings.values()]
        if len(meta) != 1 or meta[0].get("schema") != SCHEMA_VERSION:
            unknown = f"{cluster}, Alias {self._alias} hat ein unbekanntes Schema"
            return [Probe("Suchindex", False, unknown, "`eakte reindex` baut ihn neu auf")]
        detail = (
            f"{cluster}, Alias {self._alias} → {', '.join(indices)}, {documents(count)}, "
            f"Analyse {meta[0].get('analysis')}"
        )
        return [Probe("Suchindex", True, detail)]

    def _replace(self, documents: Iterable[IndexDocument], analysis: Analysis) -> int:
        new = self._create_index(analysis, with_alias=False)
        try:
            loaded = self._bulk(self._index_actions(documents, new, analysis), new)
            with self._errors("Umschalten des Alias"):
                self._client.indices.refresh(index=new)
                settings = {"refresh_interval": REFRESH_INTERVAL}
                self._client.indices.put_settings(index=new, settings=settings)
                old = sorted(self._aliased_indices())
                remove = [{"remove": {"index": name, "alias": self._alias}} for name in old]
                add = {"add": {"index": new, "alias": self._alias, "is_write_index": True}}
                self._client.indices.update_aliases(actions=[*remove, add])
        except BaseException:
            with suppress(Transient, ToolFailed), self._errors("Aufräumen"):
                self._client.indices.delete(index=new, ignore_unavailable=True)
            raise
        self._analysis = analysis
        with self._errors("Löschen des alten Index"):
            for name in old:
                self._client.indices.delete(index=name, ignore_unavailable=True)
        return loaded

    def _live_analysis(self) -> Analysis:
        """Find the live index (creating it on first use) and how it analyses."""
        if self._analysis is None:
            if not self._aliased_indices():
                try:
                    self._create_index(self._choose_analysis(), with_alias=True)
                except ToolFailed:  # another process may have won the race
                    if not self._aliased_indices():
                        raise
            with self._errors("Lesen des Mappings"):
                mappings = self._client.indices.get_mapping(index=self._alias)
            meta = [m["mappings"].get("_meta", {}).get("eakte", {}) for m in mappings.values()]
            if len(meta) != 1 or meta[0].get("schema") != SCHEMA_VERSION:
                raise ConfigurationError(
                    f"Suchindex {self._alias} auf {self._endpoint} hat ein unbekanntes "
                    "Schema; `eakte reindex` baut ihn neu auf."
                )
            self._analysis = meta[0]["analysis"]
        return self._analysis

    def _aliased_indices(self) -> set[str]:
        with self._errors("Lesen des Alias"):
            try:
                return set(self._client.indices.get_alias(name=self._alias))
            except elasticsearch.NotFoundError:
                return set()

    def _choose_analysis(self) -> Analysis:
        """``auto``: German analysis on the server if its filters exist (``_analyze``)."""
        if self._wanted != "auto":
            return self._wanted
        with self._errors("Prüfen der Textanalyse"):
            try:
                filters: list[str | dict[str, str]] = [*FOLDING, SNOWBALL]
                self._client.indices.analyze(tokenizer="standard", filter=filters, text="Straße")
            except elasticsearch.BadRequestError:
                return "client"
        return "german"

    def _create_index(self, analysis: Analysis, *, with_alias: bool) -> str:
        """Put the template for ``<alias>-*`` and create a concrete index from it."""
        name = f"{self._alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        with self._errors("Anlegen des Index"):
            # Priority by length: for an alias "a-b" beside "a", "a-b-*" wins over "a-*".
            self._client.indices.put_index_template(
                name=self._alias,
                index_patterns=[f"{self._alias}-*"],
                template=index_template(analysis, self._shards, self._replicas),
                priority=len(self._alias),
            )
            if with_alias:
                aliases = {self._alias: {"is_write_index": True}}
                settings = {"refresh_interval": REFRESH_INTERVAL}
                self._client.indices.create(index=name, aliases=aliases, settings=settings)
            else:  # bulk loading goes faster without refreshes
                self._client.indices.create(index=name, settings={"refresh_interval": "-1"})
        return name

    def _index_actions(
        self, documents: Iterable[IndexDocument], index: str, analysis: Analysis
    ) -> Iterator[dict[str, Any]]:
        for doc in documents:
            title, text = german.normalize(doc.title_and_keywords), german.normalize(doc.text)
            source: dict[str, Any] = {
                "id": doc.id,
                "doc_type": doc.doc_type,
                "signature": doc.signature,
                "status": doc.status,
                "media_type": doc.media_type,
                "department": doc.department_key,
                "restricted": doc.restricted,
                "received_at": doc.received_at.isoformat() if doc.received_at else None,
                "received_on": doc.received_on.isoformat() if doc.received_on else None,
                "received_year": doc.received_year,
                "holding": doc.holding,
                "sender": doc.sender,
                "place": doc.place,
                "date_from": _day(doc.date_from, OPEN_PAST) if doc.dated else None,
                "date_to": _day(doc.date_to, OPEN_FUTURE) if doc.dated else None,
                "title": title,
                "text": text,
                **doc.media_facets(),  # keyword fields; a list is a multi-valued field
            }
            if analysis == "client":  # the snippet reads only the start of the text
                source["text"] = text[: german.SNIPPET_SCAN_CHARS]
                source["title_terms"] = " ".join(german.analyze(title))
                source["text_terms"] = " ".join(german.analyze(text))
            yield {"_index": index, "_id": doc.id, "_source": source}

    def _bulk(self, actions: Iterable[dict[str, Any]], index: str) -> int:
        """Send in chunks; who needs the writes searchable at once refreshes after."""
        with self._errors("Schreiben"):
            try:
                done, _ = helpers.bulk(self._client, actions, index=index, ignore_status=404)
            except helpers.BulkIndexError as exc:
                item: dict[str, Any] = next(iter(exc.errors[0].values()), {})
                error = Transient if item.get("status") in TRANSIENT_STATUS else ToolFailed
                raise error(
                    f"Elasticsearch auf {self._endpoint}: {len(exc.errors)} Dokument(e) "
                    f"abgelehnt: {_one_line(str(item.get('error', '')))}"
                ) from exc
        return done

    def _search(
        self,
        action: str,
        query: str,
        filters: Mapping[str, str] | None,
        visible: Visibility | None,
        period: Period | None,
        received: Period | None,
        **request: Any,
    ) -> Mapping[str, Any] | None:
        """Run ``request`` with the query built as data (``search.elasticsearch_query``),
        never parsed by the server; None when the query has no words and there are no
        filters ("nothing")."""
        filters = filters or {}
        if unknown := set(filters) - FILTER_FIELDS:
            raise ValueError(f"unknown filter fields: {sorted(unknown)}")
        if visible is not None and visible.nothing:
            return None
        if self._live_analysis() == "client":
            words, fields = german.query_terms(query), ["title_terms", "text_terms"]
        else:
            words, fields = german.query_words(query), ["title", "text"]
        if not words and not filters and period is None and received is None:
            return None
        exact = restrictions(filters, visible, period, received)
        with self._errors(action):
            response = self._client.search(
                index=self._alias, query=bool_query(query, words, fields, exact), **request
            )
        body: Mapping[str, Any] = response.body
        return body

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Translate the client's exceptions: unreachable or overloaded → ``Transient``."""
        try:
            yield
        except (elasticsearch.ConnectionError, ConnectionTimeout) as exc:
            state = "antwortet nicht" if isinstance(exc, ConnectionTimeout) else "nicht erreichbar"
            raise Transient(
                f"Elasticsearch auf {self._endpoint} {state} ({action}); "
                "bitte später erneut versuchen."
            ) from exc
        except ApiError as exc:
            text = f"Elasticsearch auf {self._endpoint}: {action} fehlgeschlagen"
            text += f" (HTTP {exc.meta.status}): {_reason(exc)}"
            error = Transient if exc.meta.status in TRANSIENT_STATUS else ToolFailed
            raise error(text) from exc
        except elasticsearch.TransportError as exc:  # e.g. a text the JSON encoder refuses
            raise ToolFailed(
                f"Elasticsearch auf {self._endpoint}: {action} fehlgeschlagen: "
                f"{_one_line(str(exc))}"
            ) from exc


def _day(day: date | None, open_end: str) -> str:
    return day.isoformat() if day is not None else open_end


def _reason(exc: ApiError) -> str:
    """The server's own words: the reason and its cause, not only the error type."""
    error = exc.body.get("error") if isinstance(exc.body, dict) else None
    if not isinstance(error, dict):
        return _one_line(str(error or exc.message))
    causes = [error.get("reason"), (error.get("caused_by") or {}).get("reason")]
    return _one_line("; ".join(str(c) for c in dict.fromkeys(causes) if c))


def _one_line(text: str, limit: int = 300) -> str:
    text = SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
