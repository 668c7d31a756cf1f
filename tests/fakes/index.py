"""FakeIndex: an in-memory ``SearchIndex`` for stage tests (fake, named as such).

Matches whole lower-cased words, every query word must occur; enough to tell whether a
record reached the index, not a model of ranking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from eakte.ports import FACETS, IndexDocument, Period, SearchHit, SearchResult, Visibility


class FakeIndex:
    def __init__(self) -> None:
        self.documents: dict[str, IndexDocument] = {}
        self.upserts = 0

    def upsert(self, documents: Sequence[IndexDocument]) -> None:
        self.upserts += 1
        for document in documents:
            self.documents[document.id] = document

    def delete(self, ids: Sequence[str]) -> None:
        for record_id in ids:
            self.documents.pop(record_id, None)

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
        hits = [
            SearchHit(id=d.id, score=1.0, doc_type=d.doc_type, snippet=d.text[:80])
            for d in self._matches(query, filters, visible, period, received)
        ]
        return SearchResult(total=len(hits), hits=hits[:limit])

    def facets(
        self,
        query: str,
        filters: Mapping[str, str] | None = None,
        *,
        visible: Visibility | None = None,
        period: Period | None = None,
        received: Period | None = None,
    ) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for d in self._matches(query, filters, visible, period, received):
            for name in FACETS:
                value = d.department_key if name == "department" else getattr(d, name)
                if value is not None:
                    counts[name][value] = counts[name].get(value, 0) + 1
        return counts

    def _matches(
        self,
        query: str,
        filters: Mapping[str, str] | None,
        visible: Visibility | None,
        period: Period | None = None,
        received: Period | None = None,
    ) -> list[IndexDocument]:
        words = query.lower().split()
        return [
            d
            for d in self.documents.values()
            if all(w in f"{d.text} {d.title_and_keywords}".lower().split() for w in words)
            and all(getattr(d, k) == v for k, v in (filters or {}).items())
            and (period is None or period.overlaps(d.date_from, d.date_to))
            and (received is None or received.covers(d.received_on))
            and (visible is None or visible.restricted or not d.restricted)
            and (
                visible is None
                or visible.departments is None
                or d.department_key in visible.departments
            )
        ]

    def count(self) -> int:
        return len(self.documents)

    def absent(self, ids: Sequence[str]) -> list[str]:
        return [record_id for record_id in ids if record_id not in self.documents]

    def clear(self) -> None:
        self.documents.clear()

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        self.clear()
        self.upsert(list(documents))
        return len(self.documents)

    def close(self) -> None:
        pass
